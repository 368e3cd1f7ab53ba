// npm run test:reliability — the reliability suite (reliability/): the real stack, broken on
// purpose (kill -9, Inngest and database outages, storefront outages, duplicate storms, bad
// input, a secrets scan). RELIABILITY_SHORT=1 shortens outages and loads (as CI runs it). Needs
// what the integration tests need, and says exactly what is missing otherwise.
import { integrationPrerequisites } from "../integration/harness";
import { run, SKIPPED_EXIT_CODE } from "./lib/run";

const missing = integrationPrerequisites();
if (missing) {
  const required = process.env.STOCKHOOK_REQUIRE_INTEGRATION === "1";
  console.log(`[reliability] ${required ? "FAILED" : "SKIPPED"}: the reliability suite cannot run here.\n${missing}`);
  // A distinct exit code, so `npm test` can report the skip instead of counting it as passed.
  process.exit(required ? 1 : SKIPPED_EXIT_CODE);
}
process.exitCode = await run(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--project", "reliability", ...process.argv.slice(2)]);
