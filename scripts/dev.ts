// npm run dev — the whole product on one machine with no setup: the embedded database
// (migrated and seeded) and the Next.js dev server, with prefixed logs and a clean Ctrl-C.
import { DEMO_TENANT_SLUG, DEMO_USER, seedDemoTenant } from "../src/server/demo/demo-tenant";
import { applyPendingMigrations } from "../src/server/migrations/schema-engine";
import { ensureLocalEnv } from "./lib/local-env";
import { openScriptDatabase } from "./lib/script-db";
import { assertPortFree, Supervisor } from "./lib/supervisor";

const port = Number(process.env.PORT ?? 3000);
process.env.APP_URL ??= `http://localhost:${port}`;

async function prepareDatabase(): Promise<boolean> {
  const database = openScriptDatabase();
  try {
    const applied = await applyPendingMigrations(database.factory);
    console.log(`[db] ${database.description}: ${applied.length ? `applied ${applied.join(", ")}` : "migrations up to date"}`);
    return (await seedDemoTenant(database.prisma)).created;
  } finally {
    // The embedded database allows one process at a time; the app opens it next.
    await database.close();
  }
}

try {
  ensureLocalEnv();
  await assertPortFree(port, "the app", "PORT");
  const seeded = await prepareDatabase();
  const supervisor = new Supervisor();
  supervisor.start({ name: "next", command: process.execPath, args: ["node_modules/next/dist/bin/next", "dev", "--port", String(port)] });
  console.log(`\n  Stockhook is starting at ${process.env.APP_URL}`);
  console.log(`  Demo tenant "${DEMO_TENANT_SLUG}": sign in as ${DEMO_USER.email} / ${DEMO_USER.password}${seeded ? " (just created)" : ""}\n`);
  process.exitCode = await supervisor.done;
} catch (error) {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
