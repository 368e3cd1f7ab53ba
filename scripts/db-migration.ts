// npm run db:migration -- <name> — writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that takes the migration history to schema.prisma (needs no database server).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { diffHistoryToSchema, MIGRATIONS_DIR } from "../src/server/migrations/schema-engine";
import { migrationLog } from "./lib/migration-log";

const name = (process.argv[2] ?? "").trim();
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migration -- <name>   (lowercase letters, digits and _)");
  process.exit(2);
}

const sql = await diffHistoryToSchema(migrationLog);
if (!sql) {
  console.log("[db:migration] schema.prisma already matches the migration history; nothing to write.");
} else {
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "migration.sql"), `${sql}\n`);
  console.log(`[db:migration] Wrote ${dir}/migration.sql — review it, then npm run db:migrate`);
}
// The WASM schema engine leaves a timer behind that would hold the process open for ~10 s.
process.exit();
