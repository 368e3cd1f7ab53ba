// npm test — everything CI checks, in order: lint, formatting, typecheck, unit and database tests, one
// production build, browser tests, pipeline integration tests and the short reliability suite
// on that build. Stops at the first failure and exits non-zero.
import { runStep } from "./lib/run";

const node = process.execPath;
// Scripts load server modules as Next.js's server does, so their `import "server-only"` is a no-op.
const tsx = ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server"];
const steps: [string, string[], Record<string, string>?][] = [
  ["lint", ["node_modules/eslint/bin/eslint.js", "--max-warnings", "0", "."]],
  ["formatting (Prettier)", ["node_modules/prettier/bin/prettier.cjs", "--check", "."]],
  ["typecheck", ["node_modules/typescript/bin/tsc", "--noEmit"]],
  ["unit and database tests (Vitest)", ["node_modules/vitest/vitest.mjs", "run", "--project", "unit"]],
  [
    "production build",
    ["node_modules/next/dist/bin/next", "build"],
    { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  ],
  ["browser tests (Playwright)", [...tsx, "scripts/e2e.ts"], { E2E_REUSE_BUILD: "1" }],
  ["pipeline integration tests (Inngest server)", [...tsx, "scripts/integration.ts"]],
  [
    "reliability suite, short form (faults, bad input, secrets)",
    [...tsx, "scripts/reliability.ts"],
    { RELIABILITY_SHORT: "1" },
  ],
];

const started = performance.now();
try {
  const skipped: string[] = [];
  for (const [name, args, env] of steps)
    if ((await runStep(name, node, args, { ...process.env, ...env })) === "skipped") skipped.push(name);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  if (skipped.length) {
    console.log(
      `\n⚠ ${skipped.length} SUITE${skipped.length > 1 ? "S" : ""} SKIPPED — NOT everything was checked:\n${skipped.map((name) => `  ⚠ SKIPPED: ${name}`).join("\n")}`,
    );
    console.log(
      `The other checks passed in ${seconds} s. Set DATABASE_URL to a PostgreSQL server to run the skipped suites (see each suite's reason above).`,
    );
    // CI sets this: a suite that did not run is a failure there, not a pass.
    if (process.env.STOCKHOOK_REQUIRE_INTEGRATION === "1") process.exitCode = 1;
  } else {
    console.log(`\nAll checks passed in ${seconds} s`);
  }
} catch (error) {
  console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
