import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { freePort } from "../../integration/harness";
import { createShopTenant, postDelivery, signedSamDelivery, type ShopTenant } from "../../integration/fixtures";
import { waitForDrain } from "../drain";
import { percentile, round, sleep, summarise } from "../stats";
import { size, sizes, type BenchContext, type Figure, type Scenario } from "../types";

/**
 * Acknowledgement latency and throughput of POST /api/webhooks/… with valid signatures, every
 * request a fresh delivery (its own event id, so none is a duplicate), from autocannon in this
 * process against the app in its own; then the same load on a bare node:http server doing the
 * HMAC check and one insert, for our overhead as a ratio.
 */
interface LoadResult {
  concurrency: number;
  seconds: number;
  latency: ReturnType<typeof summarise>;
  accepted: number;
  perSecond: number;
  /** Every answer, whatever its status, per second. */
  answeredPerSecond: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, secret: string, samIds: number[], concurrency: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let counter = 0;
  const parsed = new URL(url);
  let finished: (result: autocannon.Result) => void = () => undefined;
  let failed: (error: unknown) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finished = resolve), (failed = reject)));
  const instance = autocannon({
    url: parsed.origin,
    connections: concurrency,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: parsed.pathname,
        setupRequest: (request) => {
          counter += 1;
          const delivery = signedSamDelivery(secret, { eventId: `bench-${randomUUID()}`, samId: samIds[counter % samIds.length]!, stock: counter % 7 });
          return { ...request, body: delivery.body, headers: delivery.headers };
        },
      },
    ],
  }, (error, result) => (error ? failed(error) : finished(result)));
  instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await done;
  const accepted = result["2xx"];
  return {
    concurrency,
    seconds,
    latency: summarise(latencies),
    accepted,
    perSecond: round(accepted / seconds),
    answeredPerSecond: round(result.requests.total / seconds),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function startBaseline(databaseUrl: string, secret: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "bench/baseline-server.ts"], {
    env: { ...process.env, BASELINE_PORT: String(port), BASELINE_SECRET: secret, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the baseline server exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("listening")) resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${port}/hook`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Median duration of each phase our handler reports in Server-Timing, over sequential requests. */
async function phases(url: string, secret: string, samIds: number[], count: number) {
  const byPhase = new Map<string, number[]>();
  for (let i = 0; i < count; i++) {
    const answer = await postDelivery(url, signedSamDelivery(secret, { eventId: `phase-${randomUUID()}`, samId: samIds[i % samIds.length]!, stock: i % 5 }));
    for (const part of (answer.serverTiming ?? "").split(",")) {
      const match = /^\s*(\w+);dur=([\d.]+)/.exec(part);
      if (match) byPhase.set(match[1]!, [...(byPhase.get(match[1]!) ?? []), Number(match[2])]);
    }
  }
  return Object.fromEntries([...byPhase].map(([phase, values]) => [phase, round(percentile(values, 50), 2)]));
}

/**
 * Runs the load on a tenant of its own while the Inngest server is down, then deletes that
 * tenant (its events were never handed over, and must not reach the sweeper) and restarts it.
 */
async function withInngestStopped<T>({ stack, sim }: BenchContext, measure: (tenant: ShopTenant) => Promise<T>): Promise<T> {
  const tenant = await createShopTenant(stack, sim, { items: 500, channel: false });
  await stack.inngest.kill("SIGTERM");
  try {
    return await measure(tenant);
  } finally {
    // The SDK retries a failed send for about 1.5 s; let those end before the server is back.
    await sleep(3_000);
    await stack.prisma.tenant.delete({ where: { id: tenant.tenantId } });
    await stack.inngest.start();
  }
}

export const webhookAck: Scenario = {
  name: "ack",
  describe: "webhook acknowledgement latency and throughput at 1/10/50 senders, vs a bare node:http + PostgreSQL insert",
  needsStack: true,
  async run(context: BenchContext) {
    const { stack, sim, log } = context;
    const seconds = size("BENCH_ACK_SECONDS", 10, 4, context);
    const levels = sizes("BENCH_ACK_CONCURRENCY", [1, 10, 50], [1, 10, 50], context);
    const tenant = await createShopTenant(stack, sim, { items: 500, channel: false });
    const samIds = Array.from({ length: 500 }, (_, i) => tenant.samIdOf(i));
    // Warm-up: the first requests compile routes, fill the secret cache and open pool connections.
    await load(tenant.webhookUrl, tenant.signingSecret, samIds, 5, 2);
    await waitForDrain(stack.prisma, [tenant.tenantId]);

    const ours: LoadResult[] = [];
    for (const concurrency of levels) {
      log(`ack: ${concurrency} concurrent senders for ${seconds} s`);
      ours.push(await load(tenant.webhookUrl, tenant.signingSecret, samIds, concurrency, seconds));
      // The pipeline works off what was accepted before the next level, so levels don't overlap.
      const drained = await waitForDrain(stack.prisma, [tenant.tenantId]);
      log(`ack: pipeline drained the ${ours.at(-1)!.accepted} events in ${round(drained.ms / 1000)} s`);
      await sleep(500);
    }
    const phaseMedians = await phases(tenant.webhookUrl, tenant.signingSecret, samIds, context.quick ? 50 : 200);
    await waitForDrain(stack.prisma, [tenant.tenantId]);

    // Two reference points at 10 senders. The floor: a URL naming no connection answers 404
    // after one indexed read and writes nothing, which is the least any delivery costs in this
    // Next.js app. And our acknowledgement alone: with the Inngest server stopped nothing is
    // processed, so the pipeline's work doesn't share the 2 cores (the events are deleted after).
    log(`ack: unknown-connection 404s (the route's floor), 10 concurrent senders for ${seconds} s`);
    const floor = await load(tenant.webhookUrl.replace(/[^/]+$/, "no-such-connection"), tenant.signingSecret, samIds, 10, seconds);
    log(`ack: 10 concurrent senders for ${seconds} s with the Inngest server stopped`);
    const alone = await withInngestStopped(context, (other) => load(other.webhookUrl, other.signingSecret, samIds.map((_, i) => other.samIdOf(i)), 10, seconds));

    const baseline = await startBaseline(stack.env.DATABASE_URL!, tenant.signingSecret);
    const bare: LoadResult[] = [];
    try {
      await load(baseline.url, tenant.signingSecret, samIds, 5, 2);
      for (const concurrency of levels) {
        log(`ack: bare node:http baseline, ${concurrency} concurrent senders for ${seconds} s`);
        bare.push(await load(baseline.url, tenant.signingSecret, samIds, concurrency, seconds));
      }
    } finally {
      await baseline.stop();
    }

    const figures: Figure[] = [];
    for (const [index, result] of ours.entries()) {
      const base = bare[index]!;
      const name = `${result.concurrency} sender${result.concurrency === 1 ? "" : "s"}`;
      const atTen = result.concurrency === 10;
      figures.push(
        { scenario: "ack", name: `${name}: p50 / p95 / p99`, value: `${result.latency.p50} / ${result.latency.p95} / ${result.latency.p99}`, unit: "ms", ...(atTen ? { target: "p95 ≤ 50 ms", met: result.latency.p95 <= 50 } : {}) },
        { scenario: "ack", name: `${name}: accepted per second (errors, non-2xx)`, value: `${result.perSecond} (${result.errors}, ${result.non2xx})`, unit: "/s", target: "≥ 500/s, 0 errors", met: result.perSecond >= 500 && result.errors === 0 && result.non2xx === 0 },
        { scenario: "ack", name: `${name}: bare node:http p50 / p95, per second`, value: `${base.latency.p50} / ${base.latency.p95}, ${base.perSecond}`, unit: "ms, /s" },
        { scenario: "ack", name: `${name}: overhead (our p50 ÷ bare p50; bare /s ÷ our /s)`, value: `${round(result.latency.p50 / Math.max(base.latency.p50, 0.1))}× ; ${round(base.perSecond / Math.max(result.perSecond, 0.1))}×`, unit: "ratio" },
      );
    }
    figures.push(
      { scenario: "ack", name: "10 senders, unknown connection (404 after one read): p50 / p95, per second", value: `${floor.latency.p50} / ${floor.latency.p95}, ${floor.answeredPerSecond}`, unit: "ms, /s" },
      { scenario: "ack", name: "10 senders, Inngest stopped (acknowledging only): p50 / p95, accepted per second", value: `${alone.latency.p50} / ${alone.latency.p95}, ${alone.perSecond}`, unit: "ms, /s" },
    );
    figures.push({ scenario: "ack", name: "median phases at 1 sender (Server-Timing)", value: Object.entries(phaseMedians).map(([phase, ms]) => `${phase} ${ms}`).join(", "), unit: "ms" });
    return { figures, details: { ours, bare, floor, alone, phaseMedians } };
  },
};
