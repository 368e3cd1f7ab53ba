// npm run stack:multi [-- --instances N] [--workers W] [--measure [--seconds S] [--senders C]] — the production
// layout on this machine, for trying it by hand: N `next start` processes (default 2) behind HAProxy, `inngest start` with its queue in
// Redis and its history in PostgreSQL, a throwaway database, a local Mailpit and the platform
// simulators with one demo tenant. Prints the addresses and runs until Ctrl-C, then removes the
// databases. Needs what the integration tests need: DATABASE_URL, a production build, the Inngest
// binary (npm run inngest:install), Redis on 127.0.0.1:6379; HAProxy is installed when missing.
// --measure sends signed webhooks through the balancer from C concurrent senders for S seconds
// (default 50 and 20), waits for the pipeline to drain them, prints webhooks/s accepted, the drain
// time and rate and the load average, then stops (the figures in docs/operations.md).
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import autocannon from "autocannon";
import { waitForDrain } from "../bench/drain";
import { createSimulator } from "@sim";
import { integrationPrerequisites, startStack } from "../integration/harness";
import { createShopTenant, signedSamDelivery } from "../integration/fixtures";

const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const instances = option("--instances", 2);
// The last W instances take only the Inngest server's calls (docs/operations.md#web-and-worker-instances).
const workers = option("--workers", 0);
const measure = process.argv.includes("--measure");
if (!Number.isInteger(instances) || instances < 1) {
  console.error("--instances takes a whole number ≥ 1");
  process.exit(2);
}
const missing = integrationPrerequisites();
if (missing) {
  console.error(`[stack:multi] cannot start: ${missing}`);
  process.exit(1);
}

const sim = await createSimulator();
console.log(`[stack:multi] starting ${instances} app instance(s), HAProxy and inngest start…`);
const stack = await startStack({
  instances,
  workers,
  inngest: "self-hosted",
  allow: [sim.url],
  // A measurement of capacity, every sender on one loopback address: the webhook rate limits would
  // measure themselves instead.
  env: measure ? { WEBHOOK_RATE_LIMIT_PER_SECOND: "100000", WEBHOOK_RATE_LIMIT_PER_SOURCE_PER_SECOND: "100000" } : {},
});
const tenant = await createShopTenant(stack, sim, { items: 50 });
const lines = [
  `app (through HAProxy):  ${stack.appUrl}`,
  ...stack.instanceUrls.map((url, index) => `instance app${index}:         ${url}`),
  ...(stack.balancerConfigFile ? [`haproxy.cfg:            ${stack.balancerConfigFile}`] : []),
  `Inngest server:         ${stack.inngestUrl} (queue: ${stack.inngestRedisUrl})`,
  `database:               ${stack.databaseName} on ${new URL(process.env.DATABASE_URL!).host}`,
  `simulators:             ${sim.url}`,
  `demo webhook URL:       ${tenant.webhookUrl}`,
  `demo signing secret:    ${tenant.signingSecret}`,
  `health (with token):    curl -H 'authorization: Bearer ${stack.env.HEALTH_TOKEN}' ${stack.appUrl}/api/health`,
];
console.log(`\n${lines.join("\n")}\n`);

if (measure) {
  try {
    await measureThroughput();
  } finally {
    await stack.stop();
    await sim.close();
  }
  process.exit(0);
}
console.log("Ctrl-C stops everything and drops the databases.");

/** Webhooks/s accepted through the balancer, then how long the pipeline takes to work them off. */
async function measureThroughput() {
  const seconds = option("--seconds", 20);
  const senders = option("--senders", 50);
  const url = new URL(tenant.webhookUrl);
  let counter = 0;
  const fire = (duration: number) =>
    autocannon({
      url: url.origin,
      connections: senders,
      duration,
      timeout: 30,
      requests: [
        {
          method: "POST",
          path: url.pathname,
          setupRequest: (request) => {
            counter += 1;
            const delivery = signedSamDelivery(tenant.signingSecret, {
              eventId: `measure-${randomUUID()}`,
              samId: tenant.samIdOf(counter % 50),
              stock: counter % 7,
            });
            return { ...request, body: delivery.body, headers: delivery.headers };
          },
        },
      ],
    });
  // Warm-up: routes compiled, caches filled, pool connections open on every instance.
  await fire(2);
  await waitForDrain(stack.prisma, [tenant.tenantId]);
  const loadBefore = loadavg()[0]!.toFixed(1);
  const started = performance.now();
  const result = await fire(seconds);
  const sendSeconds = (performance.now() - started) / 1000;
  const loadDuring = loadavg()[0]!.toFixed(1);
  const drain = await waitForDrain(stack.prisma, [tenant.tenantId], 900_000);
  const drainSeconds = sendSeconds + drain.ms / 1000;
  const accepted = result["2xx"];
  console.log(
    [
      `[stack:multi] ${instances} instance(s), ${senders} senders for ${seconds} s through ${instances > 1 ? "HAProxy" : "the app directly"}:`,
      `  accepted ${accepted} (${(accepted / sendSeconds).toFixed(0)}/s), non-2xx ${result.non2xx}, errors ${result.errors + result.timeouts}, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
      `  drained ${drain.pending ? `NOT (${drain.pending} pending)` : "all"} ${drainSeconds.toFixed(1)} s after the first send (${(accepted / drainSeconds).toFixed(0)} events/s)`,
      `  load average (1 min): ${loadBefore} before, ${loadDuring} at the end of sending, ${loadavg()[0]!.toFixed(1)} drained`,
    ].join("\n"),
  );
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\n[stack:multi] stopping…");
  await stack.stop();
  await sim.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
