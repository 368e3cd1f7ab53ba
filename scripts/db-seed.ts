// npm run db:seed — creates the demo gallery tenant and its demo user, once.
import { DEMO_TENANT_SLUG, DEMO_USER, seedDemoTenant } from "../src/server/demo/demo-tenant";
import { ensureLocalEnv } from "./lib/local-env";
import { openScriptDatabase } from "./lib/script-db";

ensureLocalEnv();
const database = openScriptDatabase();
try {
  const { created } = await seedDemoTenant(database.prisma);
  console.log(
    created
      ? `[db:seed] Created the demo tenant "${DEMO_TENANT_SLUG}" in ${database.description}. Sign in as ${DEMO_USER.email} / ${DEMO_USER.password}`
      : `[db:seed] The demo tenant "${DEMO_TENANT_SLUG}" already exists; nothing to do.`,
  );
} catch (error) {
  console.error("[db:seed] Failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.close();
}
