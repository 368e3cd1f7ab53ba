import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { freePort } from "../../integration/harness";
import { createShopTenant, postDelivery, signedSamDelivery, type ShopTenant } from "../../integration/fixtures";
import { waitForDrain } from "../drain";
import { sendBurst } from "./burst";
import { percentile, round, sleep, summarise } from "../stats";
import { size, sizes, type BenchContext, type Figure, type Scenario } from "../types";

/**
 * Acknowledgement latency and throughput of POST /api/webhooks/… with valid signatures, every
 * request a fresh delivery (its own event id, so none is a duplicate), from autocannon in this
 * process against the app in its own; then the same load on a bare node:http server doing the
 * HMAC check and one insert into the same indexed table, for our overhead as a ratio. The bare
 * server is measured twice: idle, and while the pipeline works off a backlog as large as the one
 * our level left (the condition our own figures are taken in). Rates divide by the elapsed time.
 */
interface LoadResult {
  concurrency: number;
  seconds: number;
  /** The load's measured duration, first request to last answer. */
  elapsedSeconds: number;
  latency: ReturnType<typeof summarise>;
  accepted: number;
  perSecond: number;
  /** Every answer, whatever its status, per second. */
  answeredPerSecond: number;
  errors: number;
  non2xx: number;
}

async function load(
  url: string,
  secret: string,
  samIds: number[],
  concurrency: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let counter = 0;
  const parsed = new URL(url);
  let finished: (result: autocannon.Result) => void = () => undefined;
  let failed: (error: unknown) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finished = resolve), (failed = reject)));
  const instance = autocannon(
    {
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
            const delivery = signedSamDelivery(secret, {
              eventId: `bench-${randomUUID()}`,
              samId: samIds[counter % samIds.length]!,
              stock: counter % 7,
            });
            return { ...request, body: delivery.body, headers: delivery.headers };
          },
        },
      ],
    },
    (error, result) => (error ? failed(error) : finished(result)),
  );
  instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const started = performance.now();
  const result = await done;
  const elapsedSeconds = (performance.now() - started) / 1000;
  const accepted = result["2xx"];
  return {
    concurrency,
    seconds,
    elapsedSeconds: round(elapsedSeconds, 2),
    latency: summarise(latencies),
    accepted,
    perSecond: round(accepted / elapsedSeconds),
    answeredPerSecond: round(result.requests.total / elapsedSeconds),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function startBaseline(databaseUrl: string, secret: string, owner: ShopTenant) {
  const port = await freePort();
  const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "bench/baseline-server.ts"], {
    env: {
      ...process.env,
      BASELINE_PORT: String(port),
      BASELINE_SECRET: secret,
      DATABASE_URL: databaseUrl,
      BASELINE_TENANT_ID: owner.tenantId,
      BASELINE_CONNECTION_ID: owner.samConnectionId,
    },
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
    const answer = await postDelivery(
      url,
      signedSamDelivery(secret, { eventId: `phase-${randomUUID()}`, samId: samIds[i % samIds.length]!, stock: i % 5 }),
    );
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
async function withInngestStopped<T>(
  { stack, sim }: BenchContext,
  measure: (tenant: ShopTenant) => Promise<T>,
): Promise<T> {
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
  describe:
    "webhook acknowledgement latency and throughput at 1/10/50 senders, vs a bare node:http + PostgreSQL insert",
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

    const ours: (LoadResult & { drainSeconds: number; drainPending: number })[] = [];
    for (const concurrency of levels) {
      log(`ack: ${concurrency} concurrent senders for ${seconds} s`);
      const result = await load(tenant.webhookUrl, tenant.signingSecret, samIds, concurrency, seconds);
      // The pipeline works off what was accepted before the next level, so levels don't overlap.
      // A drain that times out fails the level, and the levels after it are not run: its backlog
      // would slow them.
      const drained = await waitForDrain(stack.prisma, [tenant.tenantId]);
      ours.push({ ...result, drainSeconds: round(drained.ms / 1000), drainPending: drained.pending });
      log(
        `ack: pipeline drained the ${result.accepted} events in ${round(drained.ms / 1000)} s${drained.pending ? ` — TIMED OUT with ${drained.pending} pending` : ""}`,
      );
      if (drained.pending) break;
    }
    const phaseMedians = await phases(tenant.webhookUrl, tenant.signingSecret, samIds, context.quick ? 50 : 200);
    await waitForDrain(stack.prisma, [tenant.tenantId]);

    // Two reference points at 10 senders. The floor: a URL naming no connection answers 404
    // after one indexed read and writes nothing, which is the least any delivery costs in this
    // Next.js app. And our acknowledgement alone: with the Inngest server stopped nothing is
    // processed, so the pipeline's work doesn't share the 2 cores (the events are deleted after).
    log(`ack: unknown-connection 404s (the route's floor), 10 concurrent senders for ${seconds} s`);
    const floor = await load(
      tenant.webhookUrl.replace(/[^/]+$/, "no-such-connection"),
      tenant.signingSecret,
      samIds,
      10,
      seconds,
    );
    log(`ack: 10 concurrent senders for ${seconds} s with the Inngest server stopped`);
    const alone = await withInngestStopped(context, (other) =>
      load(
        other.webhookUrl,
        other.signingSecret,
        samIds.map((_, i) => other.samIdOf(i)),
        10,
        seconds,
      ),
    );

    const baselineOwner = await createShopTenant(stack, sim, { items: 1, channel: false });
    const backlogTenant = await createShopTenant(stack, sim, { items: 500, channel: false });
    const baseline = await startBaseline(stack.env.DATABASE_URL!, tenant.signingSecret, baselineOwner);
    const bare: LoadResult[] = [];
    const bareBusy: (LoadResult & { backlog: number })[] = [];
    try {
      await load(baseline.url, tenant.signingSecret, samIds, 5, 2);
      for (const result of ours) {
        log(`ack: bare node:http baseline, ${result.concurrency} concurrent senders for ${seconds} s, pipeline idle`);
        bare.push(await load(baseline.url, tenant.signingSecret, samIds, result.concurrency, seconds));
        // The same backlog our level handed the pipeline, sent first; measured while it drains.
        const backlog = await sendBurst([backlogTenant], result.accepted, 1);
        log(
          `ack: bare node:http baseline, ${result.concurrency} concurrent senders for ${seconds} s, pipeline working off ${backlog.acknowledged.length} events`,
        );
        bareBusy.push({
          ...(await load(baseline.url, tenant.signingSecret, samIds, result.concurrency, seconds)),
          backlog: backlog.acknowledged.length,
        });
        await waitForDrain(stack.prisma, [backlogTenant.tenantId]);
      }
    } finally {
      await baseline.stop();
    }

    const figures: Figure[] = [];
    const latencyOf = (r: LoadResult) => `p50 ${r.latency.p50} ms, p95 ${r.latency.p95} ms`;
    for (const [index, result] of ours.entries()) {
      const base = bare[index]!;
      const busy = bareBusy[index]!;
      const name = `${result.concurrency} sender${result.concurrency === 1 ? "" : "s"}`;
      const atTen = result.concurrency === 10;
      const drained = result.drainPending === 0;
      figures.push(
        {
          scenario: "ack",
          name: `${name}: p50 / p95 / p99`,
          value: `${result.latency.p50} / ${result.latency.p95} / ${result.latency.p99}`,
          unit: "ms",
          ...(atTen ? { target: "p95 ≤ 50 ms", met: result.latency.p95 <= 50 } : {}),
        },
        {
          scenario: "ack",
          name: `${name}: accepted over ${result.elapsedSeconds} s elapsed; errors; non-2xx`,
          value: `${result.perSecond}/s; ${result.errors}; ${result.non2xx}`,
          unit: "",
          target: "≥ 500/s, 0 errors",
          met: result.perSecond >= 500 && result.errors === 0 && result.non2xx === 0,
        },
        {
          scenario: "ack",
          name: `${name}: pipeline drain of the ${result.accepted} accepted events`,
          value: drained
            ? `${result.drainSeconds} s`
            : `TIMED OUT after ${result.drainSeconds} s, ${result.drainPending} pending`,
          unit: "",
          target: "drains",
          met: drained,
        },
        {
          scenario: "ack",
          name: `${name}: bare node:http, pipeline idle`,
          value: `${latencyOf(base)}, ${base.perSecond}/s`,
          unit: "",
        },
        {
          scenario: "ack",
          name: `${name}: bare node:http, pipeline working off ${busy.backlog} events`,
          value: `${latencyOf(busy)}, ${busy.perSecond}/s`,
          unit: "",
        },
        {
          scenario: "ack",
          name: `${name}: overhead vs bare with the pipeline busy (p50 ratio; throughput ratio)`,
          value: `${round(result.latency.p50 / Math.max(busy.latency.p50, 0.1))}×; ${round(busy.perSecond / Math.max(result.perSecond, 0.1))}×`,
          unit: "",
        },
      );
    }
    for (const skipped of levels.slice(ours.length))
      figures.push({
        scenario: "ack",
        name: `${skipped} senders`,
        value: "not run: an earlier level's drain timed out",
        unit: "",
        target: "runs",
        met: false,
      });
    figures.push(
      {
        scenario: "ack",
        name: "10 senders, unknown connection (404 after one read)",
        value: `${latencyOf(floor)}, ${floor.answeredPerSecond}/s answered`,
        unit: "",
      },
      {
        scenario: "ack",
        name: "10 senders, Inngest stopped (acknowledging only)",
        value: `${latencyOf(alone)}, ${alone.perSecond}/s accepted`,
        unit: "",
      },
    );
    figures.push({
      scenario: "ack",
      name: "median phases at 1 sender (Server-Timing)",
      value: Object.entries(phaseMedians)
        .map(([phase, ms]) => `${phase} ${ms} ms`)
        .join(", "),
      unit: "",
    });
    return { figures, details: { ours, bare, bareBusy, floor, alone, phaseMedians } };
  },
};
