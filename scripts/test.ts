// npm test — everything CI checks, in order: lint, typecheck, unit and database tests, one
// production build, browser tests, pipeline integration tests and the short reliability suite
// on that build. Stops at the first failure and exits non-zero.
import { runStep } from "./lib/run";

const node = process.execPath;
const tsx = "node_modules/tsx/dist/cli.mjs";
const steps: [string, string[], Record<string, string>?][] = [
  ["lint", ["node_modules/eslint/bin/eslint.js", "--max-warnings", "0", "."]],
  ["typecheck", ["node_modules/typescript/bin/tsc", "--noEmit"]],
  ["unit and database tests (Vitest)", ["node_modules/vitest/vitest.mjs", "run"]],
  ["production build", ["node_modules/next/dist/bin/next", "build"], { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" }],
  ["browser tests (Playwright)", [tsx, "scripts/e2e.ts"], { E2E_REUSE_BUILD: "1" }],
  ["pipeline integration tests (Inngest server)", [tsx, "scripts/integration.ts"]],
  ["reliability suite, short form (faults, bad input, secrets)", [tsx, "scripts/reliability.ts"], { RELIABILITY_SHORT: "1" }],
];

const started = performance.now();
try {
  for (const [name, args, env] of steps) await runStep(name, node, args, { ...process.env, ...env });
  console.log(`\nAll checks passed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
} catch (error) {
  console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
