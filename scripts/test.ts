// npm test — everything CI checks, in order: lint, typecheck, unit and database tests, browser
// tests. Stops at the first failure and exits non-zero.
import { runStep } from "./lib/run";

const node = process.execPath;
const steps: [string, string[]][] = [
  ["lint", ["node_modules/eslint/bin/eslint.js", "--max-warnings", "0", "."]],
  ["typecheck", ["node_modules/typescript/bin/tsc", "--noEmit"]],
  ["unit and database tests (Vitest)", ["node_modules/vitest/vitest.mjs", "run"]],
  ["browser tests (Playwright)", ["node_modules/tsx/dist/cli.mjs", "scripts/e2e.ts"]],
];

const started = performance.now();
try {
  for (const [name, args] of steps) await runStep(name, node, args);
  console.log(`\nAll checks passed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
} catch (error) {
  console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
