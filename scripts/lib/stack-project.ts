import { integrationPrerequisites } from "../../integration/harness";
import { run, SKIPPED_EXIT_CODE } from "./run";

/**
 * Runs a Vitest project that needs the real stack (integration, reliability), passing this
 * script's arguments on (a file filter, say). Where the stack cannot run it says what is missing
 * and exits SKIPPED, or FAILED where CI requires the suite (STOCKHOOK_REQUIRE_INTEGRATION=1).
 */
export async function runStackProject(project: "integration" | "reliability", suite: string): Promise<void> {
  const missing = integrationPrerequisites();
  if (missing) {
    const required = process.env.STOCKHOOK_REQUIRE_INTEGRATION === "1";
    console.log(`[${project}] ${required ? "FAILED" : "SKIPPED"}: ${suite} cannot run here.\n${missing}`);
    // A distinct exit code, so `npm test` can report the skip instead of counting it as passed.
    process.exit(required ? 1 : SKIPPED_EXIT_CODE);
  }
  process.exitCode = await run(process.execPath, [
    "node_modules/vitest/vitest.mjs",
    "run",
    "--project",
    project,
    ...process.argv.slice(2),
  ]);
}
