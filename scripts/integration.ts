// npm run test:integration — the durable pipeline against the real Inngest server, a production
// build of the app and PostgreSQL. Needs DATABASE_URL (a PostgreSQL server), a build, and an
// Inngest binary (npm run inngest:install); says exactly which is missing otherwise. Arguments
// go to Vitest, e.g. a file filter: npm run test:integration -- integration/storefront.test.ts
import { integrationPrerequisites } from "../integration/harness";
import { run, SKIPPED_EXIT_CODE } from "./lib/run";

const missing = integrationPrerequisites();
if (missing) {
  const required = process.env.STOCKHOOK_REQUIRE_INTEGRATION === "1";
  console.log(`[integration] ${required ? "FAILED" : "SKIPPED"}: the integration tests cannot run here.\n${missing}`);
  // A distinct exit code, so `npm test` can report the skip instead of counting it as passed.
  process.exit(required ? 1 : SKIPPED_EXIT_CODE);
}
process.exitCode = await run(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--project", "integration", ...process.argv.slice(2)]);
