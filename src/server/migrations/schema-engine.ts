import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import type * as EngineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import { openPGlite, PGliteAdapterFactory } from "@/server/database-adapter";

/**
 * Prisma's own schema engine, compiled to WASM, driven through a driver adapter. It does what
 * `prisma migrate deploy` and `prisma migrate diff` do, without the native engine binary that
 * cannot be downloaded on an offline machine.
 */
export const MIGRATIONS_DIR = join(process.cwd(), "prisma", "migrations");
export const SCHEMA_PATH = join(process.cwd(), "prisma", "schema.prisma");

const NO_FILTER = { externalTables: [], externalEnums: [] };

type WasmBindings = typeof EngineBindings & {
  __wbg_set_wasm: (exports: WebAssembly.Exports) => void;
};

let engineClass: Promise<typeof SchemaEngine> | undefined;

/** Instantiates the WASM module by hand so no `--experimental-wasm-modules` flag is needed. */
async function loadEngineClass(): Promise<typeof SchemaEngine> {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve("@prisma/schema-engine-wasm"));
  const bindings = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as WasmBindings;
  const bytes = await readFile(join(packageDir, "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bindings.SchemaEngine;
}

/** Receives the engine's own progress messages; the scripts print them when STOCKHOOK_DEBUG_MIGRATIONS is set. */
export type EngineLog = (message: string) => void;
const quiet: EngineLog = () => {};

export async function startSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  schemaText?: string,
  log: EngineLog = quiet,
) {
  engineClass ??= loadEngineClass();
  const Engine = await engineClass;
  const schema = schemaText ?? (await readFile(SCHEMA_PATH, "utf8"));
  return Engine.new({ datamodels: [[SCHEMA_PATH, schema]] }, log, bindMigrationAwareSqlAdapterFactory(factory));
}

export async function loadMigrationList(baseDir = MIGRATIONS_DIR): Promise<MigrationList> {
  const entries = await readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const lockfileContent = await readFile(join(baseDir, "migration_lock.toml"), "utf8").catch(() => null);
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: lockfileContent },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      directories.map(async (path) => ({
        path,
        migrationFile: {
          path: "migration.sql",
          content: await readFile(join(baseDir, path, "migration.sql"), "utf8").then(
            (value) => ({ tag: "ok" as const, value }),
            (error: Error) => ({ tag: "error" as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

/** Applies pending migrations and records them in `_prisma_migrations`, as `migrate deploy` does. */
export async function applyPendingMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  log?: EngineLog,
): Promise<string[]> {
  const engine = await startSchemaEngine(factory, undefined, log);
  try {
    const migrationsList = await loadMigrationList();
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return appliedMigrationNames;
  } finally {
    engine.free();
  }
}

/**
 * SQL that takes a database built from the migration history to schema.prisma; empty when the
 * history already matches. The history is replayed on a throwaway in-memory PGlite (Postgres
 * itself, so the SQL is the same), which needs no server rights to create shadow databases.
 */
export async function diffHistoryToSchema(log?: EngineLog): Promise<string> {
  const schema = await readFile(SCHEMA_PATH, "utf8");
  const shadow = openPGlite();
  const engine = await startSchemaEngine(new PGliteAdapterFactory(shadow), schema, log);
  try {
    const result = await engine.diff({
      from: { tag: "migrations", ...(await loadMigrationList()) },
      to: { tag: "schemaDatamodel", files: [{ path: SCHEMA_PATH, content: schema }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    const sql = (result.stdout ?? "").trim();
    return sql === "-- This is an empty migration." ? "" : sql;
  } finally {
    engine.free();
    await shadow.close();
  }
}
