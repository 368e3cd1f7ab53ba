// npm run db:migration -- <name> — writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that takes the migration history to schema.prisma. Uses an in-memory PGlite as the
// shadow database unless DATABASE_URL is set.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { diffHistoryToSchema, MIGRATIONS_DIR } from "../src/server/migrations/schema-engine";

const name = (process.argv[2] ?? "").trim();
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error("Usage: npm run db:migration -- <name>   (lowercase letters, digits and _)");
  process.exit(2);
}

const pglite = process.env.DATABASE_URL ? undefined : new PGlite();
const factory = pglite ? new PrismaPGlite(pglite) : new PrismaPg({ connectionString: process.env.DATABASE_URL! });
try {
  const sql = await diffHistoryToSchema(factory);
  if (!sql) {
    console.log("[db:migration] schema.prisma already matches the migration history; nothing to write.");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = join(MIGRATIONS_DIR, `${stamp}_${name}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "migration.sql"), `${sql}\n`);
    console.log(`[db:migration] Wrote ${dir}/migration.sql — review it, then npm run db:migrate`);
  }
} finally {
  await pglite?.close();
}
