// npm run bench [-- <scenario…>] [--quick] — the benchmarks (bench/), against the production
// build, the real Inngest server, a throwaway PostgreSQL database and the platform simulators.
// Prints a table and writes bench/results.json with the machine the figures came from. Sizes
// can be turned down with BENCH_* variables (see README, Performance) or --quick.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { integrationPrerequisites, startStack, type Stack } from "../integration/harness";
import { createSimulator, type Simulator } from "@sim";
import { generateKeyringEntry } from "@/server/crypto/secret-box";
import { describeMachine } from "../bench/machine";
import { scenarios } from "../bench/scenarios";
import type { Figure, ScenarioResult } from "../bench/types";

const args = process.argv.slice(2);
const quick = args.includes("--quick") || process.env.BENCH_QUICK === "1";
const names = args.filter((arg) => !arg.startsWith("--"));
const unknown = names.filter((name) => !scenarios.some((scenario) => scenario.name === name));
if (unknown.length) {
  console.error(
    `Unknown scenario ${unknown.join(", ")}. Scenarios:\n${scenarios.map((s) => `  ${s.name.padEnd(12)} ${s.describe}`).join("\n")}`,
  );
  process.exit(2);
}
const chosen = names.length ? scenarios.filter((scenario) => names.includes(scenario.name)) : scenarios;
const missing = integrationPrerequisites();
if (missing) {
  console.error(`[bench] cannot run: ${missing}`);
  process.exit(1);
}

const log = (line: string) => console.log(`[bench] ${line}`);
// The dashboard scenario calls server modules in this process, and they read the validated
// settings: throwaway keys, as the tests use, unless the shell already has some.
process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
process.env.STOCKHOOK_ENCRYPTION_KEYS ??= generateKeyringEntry("bench");
// BENCH_INSTANCES=2 runs the app as that many `next start` processes behind HAProxy (docs/operations.md).
const instances = Number(process.env.BENCH_INSTANCES ?? 1);
// BENCH_WORKERS=1 (with BENCH_INSTANCES ≥ 2) gives the Inngest server's calls to the last instance only.
const workers = Number(process.env.BENCH_WORKERS ?? 0);
const stackOptions = (inngest: "dev" | "self-hosted", simUrl: string) => ({
  inngest,
  instances,
  workers,
  allow: [simUrl],
  env: {
    STOCKHOOK_CIRCUIT_OPEN_MS: "60000",
    NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS,
    // The benchmarks measure capacity, every sender on one loopback address: the webhook
    // rate limits (docs/security-webhooks.md) would measure themselves instead.
    WEBHOOK_RATE_LIMIT_PER_SECOND: "100000",
    WEBHOOK_RATE_LIMIT_PER_SOURCE_PER_SECOND: "100000",
    // BENCH_BATCH_THRESHOLD measures another batching threshold than the default (docs/pipeline.md).
    ...(process.env.BENCH_BATCH_THRESHOLD
      ? { WEBHOOK_BATCH_THRESHOLD_PER_SECOND: process.env.BENCH_BATCH_THRESHOLD }
      : {}),
  },
});
const machine = describeMachine();
log(
  `machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}, load ${machine.loadAverageAtStart}`,
);
const results: Record<string, ScenarioResult & { seconds: number; loadAverage: { start: number; end: number } }> = {};
// The 1-minute load average, beside each scenario's figures: on a shared machine they mean little without it.
const load = () => Math.round(loadavg()[0]! * 100) / 100;
let stack: Stack | undefined;
let sim: Simulator | undefined;
try {
  sim = await createSimulator();
  if (chosen.some((scenario) => scenario.needsStack)) {
    log("starting the stack (PostgreSQL database, next start, Inngest server)…");
    // Production defaults for the pipeline (a 60 s breaker window), unlike the integration tests.
    // BENCH_APP_NODE_OPTIONS reaches only the app, e.g. "--import ./bench/cpu-profile.mjs" to see where its time goes.
    // BENCH_INNGEST=self-hosted runs `inngest start` on Redis and PostgreSQL instead of the dev server.
    const inngest = process.env.BENCH_INNGEST === "self-hosted" ? "self-hosted" : "dev";
    log(
      `Inngest server: ${inngest === "dev" ? "inngest dev (in-memory queue)" : "inngest start (queue in Redis, history in PostgreSQL)"}`,
    );
    if (instances > 1)
      log(
        `${instances} app instances behind HAProxy${workers ? `, ${workers} of them taking only the Inngest server's calls` : ""}`,
      );
    stack = await startStack(stackOptions(inngest, sim.url));
  }
  for (const [index, scenario] of chosen.entries()) {
    log(`— ${scenario.name}: ${scenario.describe}`);
    if (scenario.freshStack && index > 0) {
      log(`${scenario.name} runs on a fresh stack: restarting it…`);
      await stack?.stop();
      stack = undefined;
      stack = await startStack(
        stackOptions(process.env.BENCH_INNGEST === "self-hosted" ? "self-hosted" : "dev", sim.url),
      );
    }
    const started = performance.now();
    const loadAtStart = load();
    try {
      const result = await scenario.run({ stack: stack!, sim, quick, log });
      const loadAverage = { start: loadAtStart, end: load() };
      log(`${scenario.name}: load average ${loadAverage.start} at its start, ${loadAverage.end} at its end`);
      results[scenario.name] = {
        ...result,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        loadAverage,
      };
    } catch (error) {
      console.error(`[bench] ${scenario.name} failed:`, error);
      if (stack) console.error(stack.output.slice(-40).join("\n"));
      process.exitCode = 1;
    }
  }
} finally {
  await stack?.stop();
  await sim?.close();
}

const figures: Figure[] = Object.values(results).flatMap((result) => result.figures);
const widths = [
  10,
  Math.max(...figures.map((f) => f.name.length), 6),
  Math.max(...figures.map((f) => `${f.value} ${f.unit}`.length), 6),
];
console.log(
  `\n${"scenario".padEnd(widths[0]!)}  ${"figure".padEnd(widths[1]!)}  ${"value".padEnd(widths[2]!)}  target`,
);
for (const figure of figures) {
  const target = figure.target ? `${figure.target} — ${figure.met ? "met" : "NOT met"}` : "";
  console.log(
    `${figure.scenario.padEnd(widths[0]!)}  ${figure.name.padEnd(widths[1]!)}  ${`${figure.value} ${figure.unit}`.padEnd(widths[2]!)}  ${target}`,
  );
}
console.log(
  `\nmachine: ${machine.cores} cores, ${machine.cpuModel}, ${machine.memoryGiB} GiB, node ${machine.node}; load average at start ${machine.loadAverageAtStart}`,
);
mkdirSync("bench", { recursive: true });
writeFileSync(
  "bench/results.json",
  `${JSON.stringify({ measuredAt: new Date().toISOString(), quick, machine, scenarios: results }, null, 2)}\n`,
);
console.log("written to bench/results.json");
