import { randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  openPGlite,
  PGliteAdapterFactory,
  postgresAdapterFactory,
  type AdapterFactory,
} from "@/server/database-adapter";
import { PrismaClient } from "@/generated/prisma/client";
import { MIGRATIONS_DIR } from "@/server/migrations/schema-engine";

/**
 * A fresh, migrated database for one test file. With DATABASE_URL set (CI sets it when a
 * PostgreSQL server answers), a throwaway database is created on that server and dropped
 * afterwards; otherwise an in-memory PGlite.
 */
export interface TestDatabase {
  prisma: PrismaClient;
  description: string;
  close: () => Promise<void>;
}

async function migrationScripts(): Promise<string[]> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(names.map((name) => readFile(join(MIGRATIONS_DIR, name, "migration.sql"), "utf8")));
}

async function migrate(factory: AdapterFactory): Promise<void> {
  const adapter = await factory.connect();
  try {
    for (const script of await migrationScripts()) await adapter.executeScript(script);
  } finally {
    await adapter.dispose();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const pglite = openPGlite();
    const factory = new PGliteAdapterFactory(pglite);
    await migrate(factory);
    const prisma = new PrismaClient({ adapter: factory });
    return {
      prisma,
      description: "in-memory PGlite",
      close: async () => {
        await prisma.$disconnect();
        await pglite.close();
      },
    };
  }
  const database = await createThrowawayPostgres(serverUrl, "stockhook_test");
  const factory = postgresAdapterFactory(database.url);
  await migrate(factory);
  const prisma = new PrismaClient({ adapter: factory });
  return {
    prisma,
    description: `PostgreSQL database ${database.name}`,
    close: async () => {
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

/** An empty database of its own on a PostgreSQL server, dropped (even if still in use) by `drop`. */
export async function createThrowawayPostgres(serverUrl: string, prefix: string) {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = await postgresAdapterFactory(serverUrl).connect();
  await admin.executeScript(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await admin.executeScript(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await admin.dispose();
    },
  };
}
