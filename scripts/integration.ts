// npm run test:integration — the durable pipeline against the real Inngest server, a production
// build of the app and PostgreSQL. Needs DATABASE_URL (a PostgreSQL server), a build, and an
// Inngest binary (npm run inngest:install); says exactly which is missing otherwise.
import { integrationPrerequisites } from "../integration/harness";
import { run } from "./lib/run";

const missing = integrationPrerequisites();
if (missing) {
  const required = process.env.STOCKHOOK_REQUIRE_INTEGRATION === "1";
  console.log(`[integration] ${required ? "FAILED" : "SKIPPED"}: the integration tests cannot run here.\n${missing}`);
  process.exit(required ? 1 : 0);
}
process.exitCode = await run(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--config", "vitest.integration.config.ts"]);
