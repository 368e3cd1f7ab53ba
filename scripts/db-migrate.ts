// npm run db:migrate — applies pending migrations from prisma/migrations, recorded in
// _prisma_migrations exactly as `prisma migrate deploy` records them.
import { openAdapter } from "../src/server/database-adapter";
import { applyPendingMigrations } from "../src/server/migrations/schema-engine";
import { migrationLog } from "./lib/migration-log";

const adapter = openAdapter({
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: process.env.DATA_DIR ?? ".data",
});
try {
  const started = performance.now();
  const applied = await applyPendingMigrations(adapter.factory, migrationLog);
  const took = Math.round(performance.now() - started);
  console.log(
    applied.length
      ? `[db:migrate] Applied ${applied.length} migration(s) to ${adapter.description} in ${took} ms: ${applied.join(", ")}`
      : `[db:migrate] ${adapter.description} is up to date (${took} ms)`,
  );
} catch (error) {
  console.error(`[db:migrate] Failed on ${adapter.description}:`, error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await adapter.close();
}
// The WASM schema engine leaves a timer behind that would hold the process open for ~10 s.
process.exit();
