import { randomUUID } from "node:crypto";
import {
  createShopTenant,
  DELIVERED_STATUSES,
  FINAL_STATUSES,
  postDelivery,
  signedSamDelivery,
  type ShopTenant,
} from "../../integration/fixtures";
import { cpuFigure, startCpuMeter } from "../cpu";
import { describeMemory, startMemorySampler } from "../memory";
import { percentile, round, sleep } from "../stats";
import { size, type BenchContext, type Scenario } from "../types";

/**
 * The "holiday weekend": many webhooks across many tenants in a few seconds (paced at the target
 * rate, at most 64 in flight; the app's acknowledgement rate caps what is reached). Then: was
 * every acknowledged event delivered (no loss), how long until the last storefront push succeeded
 * (the drain a tenant sees), each event's latency from its receipt to its last push (p50/p95 per
 * tenant), and the app's resident memory sampled every 2 s.
 */
const IN_FLIGHT = 64;
const ITEMS_PER_TENANT = 100;

export interface BurstOutcome {
  acknowledged: { id: string; tenantId: string }[];
  refused: number;
  /** Why the refused ones were refused: HTTP status, or the client-side error. */
  refusals: Record<string, number>;
  sendMs: number;
}

/** Sends `total` deliveries spread round-robin over the tenants, paced at total/seconds per second. */
export async function sendBurst(
  tenants: ShopTenant[],
  total: number,
  seconds: number,
  stop?: () => boolean,
): Promise<BurstOutcome> {
  const acknowledged: BurstOutcome["acknowledged"] = [];
  let refused = 0;
  const refusals: Record<string, number> = {};
  const refuse = (reason: string) => {
    refused += 1;
    refusals[reason] = (refusals[reason] ?? 0) + 1;
  };
  let next = 0;
  const started = performance.now();
  const intervalMs = (seconds * 1000) / total;
  async function sender() {
    while (next < total && !stop?.()) {
      const index = next++;
      const due = started + index * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const tenant = tenants[index % tenants.length]!;
      const delivery = signedSamDelivery(tenant.signingSecret, {
        eventId: `burst-${randomUUID()}`,
        samId: tenant.samIdOf(Math.floor(index / tenants.length) % ITEMS_PER_TENANT),
        stock: index % 9,
      });
      try {
        const answer = await postDelivery(tenant.webhookUrl, delivery);
        if (answer.status === 200 && answer.id) acknowledged.push({ id: answer.id, tenantId: tenant.tenantId });
        else refuse(`HTTP ${answer.status}`);
      } catch (error) {
        refuse(error instanceof Error ? error.name : "error");
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
  return { acknowledged, refused, refusals, sendMs: performance.now() - started };
}

export async function createBurstTenants(
  context: Pick<BenchContext, "stack" | "sim">,
  count: number,
  channel = true,
): Promise<ShopTenant[]> {
  const tenants: ShopTenant[] = [];
  for (let i = 0; i < count; i++)
    tenants.push(await createShopTenant(context.stack, context.sim, { items: ITEMS_PER_TENANT, channel }));
  return tenants;
}

export const burst: Scenario = {
  name: "burst",
  describe: "N webhooks across T tenants in ~S seconds: no loss, time to drain, fairness across tenants",
  needsStack: true,
  async run(context: BenchContext) {
    const { stack, log } = context;
    const total = size("BENCH_BURST_EVENTS", 10_000, 1_000, context);
    const tenantCount = size("BENCH_BURST_TENANTS", 20, 10, context);
    const seconds = size("BENCH_BURST_SECONDS", 10, 10, context);
    const tenants = await createBurstTenants(context, tenantCount);
    log(`burst: sending ${total} webhooks across ${tenantCount} tenants, paced for ${seconds} s`);
    // One sampler per instance: with several (BENCH_INSTANCES), each one's peak is its own.
    const memorySamplers = stack.instances.map((_, index) => startMemorySampler(stack, index));
    const cpu = await startCpuMeter(stack);
    const started = Date.now();
    const sent = await sendBurst(tenants, total, seconds);
    log(
      `burst: ${sent.acknowledged.length} acknowledged, ${sent.refused} refused ${JSON.stringify(sent.refusals)}, in ${round(sent.sendMs / 1000)} s; draining…`,
    );

    const ids = sent.acknowledged.map((event) => event.id);
    const deadline = Date.now() + size("BENCH_BURST_DRAIN_TIMEOUT_S", 900, 300, context) * 1000;
    let final = 0;
    let unpushed = 0;
    let drained = false;
    while (Date.now() < deadline) {
      final = await stack.prisma.webhookEvent.count({
        where: { id: { in: ids }, status: { in: [...FINAL_STATUSES] } },
      });
      // Drained when every event is final and every stock change it made has a finished push.
      unpushed = final === ids.length ? await changesWithoutFinishedPush(context, ids) : -1;
      if (unpushed === 0) {
        drained = true;
        break;
      }
      await sleep(500);
    }
    const memory = await Promise.all(memorySamplers.map((sampler) => sampler.stop()));
    const cpuSplit = await cpu.stop();
    const byStatus = await stack.prisma.webhookEvent.groupBy({
      by: ["status"],
      where: { id: { in: ids } },
      _count: true,
    });
    const delivered = byStatus
      .filter((row) => (DELIVERED_STATUSES as readonly string[]).includes(row.status))
      .reduce((sum, row) => sum + row._count, 0);
    const lost = ids.length - delivered;
    const latencies = await latencyFromReceipt(context, ids);
    const lastDoneAt = Math.max(...[...latencies.values()].flat().map((entry) => entry.doneAt));
    const drainMs = lastDoneAt - started;
    const perTenant = [...latencies.entries()].map(([tenantId, entries]) => {
      const ms = entries.map((entry) => entry.ms);
      return { tenantId, events: ms.length, p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)) };
    });
    const batches = await batchSizes(context, ids);
    const rate = drained ? round(ids.length / (drainMs / 1000)) : 0;
    const ackRate = round(ids.length / (sent.sendMs / 1000));
    const afterLastSendMs = drainMs - sent.sendMs;
    const range = (key: "p50" | "p95") => {
      const values = perTenant.map((tenant) => tenant[key]).sort((a, b) => a - b);
      return `${round((values[0] ?? 0) / 1000)} s – ${round((values.at(-1) ?? 0) / 1000)} s`;
    };
    return {
      figures: [
        {
          scenario: "burst",
          name: `${total} webhooks, ${tenantCount} tenants: acknowledged / refused, send time`,
          value: `${sent.acknowledged.length} / ${sent.refused}, ${round(sent.sendMs / 1000)} s`,
          unit: "",
        },
        {
          scenario: "burst",
          name: "acknowledged events not delivered (not final, or FAILED)",
          value: lost,
          unit: "",
          target: "0",
          met: lost === 0,
        },
        {
          scenario: "burst",
          name: "drain: first send to the last storefront push's success",
          value: drained
            ? `${round(drainMs / 1000)} s`
            : `TIMED OUT: ${ids.length - final} events not final, ${Math.max(unpushed, 0)} changes not pushed`,
          unit: "",
          target: "drains",
          met: drained,
        },
        {
          scenario: "burst",
          name: "drain rate: acknowledged events / (first send → last push's success)",
          value: drained ? `${rate}/s` : "—",
          unit: "",
          target: "≥ 200/s",
          met: rate >= 200,
        },
        {
          // The issue's other reading of the same target: a drain can go no faster than the
          // deliveries are acknowledged, so this is the pipeline's own lag behind the senders.
          scenario: "burst",
          name: `drain after the last send: last acknowledgement → last push's success (acknowledged at ${ackRate}/s)`,
          value: drained ? `${round(afterLastSendMs / 1000)} s` : "—",
          unit: "",
          target: "≤ 60 s",
          met: drained && afterLastSendMs <= 60_000,
        },
        {
          scenario: "burst",
          name: "apply runs by events per run (1 = fast path; batch sizes from the run id)",
          value: Object.entries(batches)
            .map(([bucket, runs]) => `${bucket}: ${runs}`)
            .join(", "),
          unit: "",
        },
        {
          scenario: "burst",
          name: "per-tenant latency, receipt → last push: p50 (fastest – slowest tenant)",
          value: range("p50"),
          unit: "",
        },
        {
          scenario: "burst",
          name: "per-tenant latency, receipt → last push: p95 (fastest – slowest tenant)",
          value: range("p95"),
          unit: "",
        },
        ...memory.map((window, index) => ({
          scenario: "burst",
          name: `${memory.length > 1 ? `app instance ${index}'s` : "the app's"} resident memory (process group), sampled every 2 s: start → peak, and what the peak held`,
          value: describeMemory(window),
          unit: "",
        })),
        cpuFigure("burst", cpuSplit, "first send → drained"),
      ],
      details: {
        refusals: sent.refusals,
        byStatus: Object.fromEntries(byStatus.map((row) => [row.status, row._count])),
        perTenant,
        drainMs: drained ? drainMs : null,
        afterLastSendMs: drained ? afterLastSendMs : null,
        batchSizes: batches,
        cpuSplit,
        appNodeOptions: process.env.BENCH_APP_NODE_OPTIONS ?? null,
      },
    };
  },
};

/** How many apply runs took 1, 2–9, 10–49, 50–99 and 100+ of these events (grouped by run id). */
/** Apply runs by how many of these deliveries each took (a run's id is stamped on each it claimed). */
export async function batchSizes(context: Pick<BenchContext, "stack">, ids: string[]): Promise<Record<string, number>> {
  const runs = await context.stack.prisma.webhookEvent.groupBy({
    by: ["inngestRunId"],
    where: { id: { in: ids }, inngestRunId: { not: null } },
    _count: true,
  });
  const buckets: Record<string, number> = { "1": 0, "2–9": 0, "10–49": 0, "50–99": 0, "100–199": 0, "200+": 0 };
  for (const run of runs) {
    const n = run._count;
    const bucket = n === 1 ? "1" : n < 10 ? "2–9" : n < 50 ? "10–49" : n < 100 ? "50–99" : n < 200 ? "100–199" : "200+";
    buckets[bucket] = (buckets[bucket] ?? 0) + 1;
  }
  return buckets;
}

/** Stock changes these events made that have no push in a final state yet (a push still to come). */
export async function changesWithoutFinishedPush(
  { stack }: Pick<BenchContext, "stack">,
  ids: string[],
): Promise<number> {
  const rows = await stack.prisma.$queryRaw<{ n: number }[]>`
    SELECT count(DISTINCT sc."webhookEventId")::int AS n FROM "StockChange" sc
    WHERE sc."webhookEventId" = ANY(${ids}::text[])
      AND EXISTS (SELECT 1 FROM "ItemLink" l JOIN "Connection" c ON c.id = l."connectionId" WHERE l."itemId" = sc."itemId" AND c.direction = 'CHANNEL' AND c.status = 'ACTIVE')
      AND NOT EXISTS (SELECT 1 FROM "ChannelPush" cp WHERE cp."webhookEventId" = sc."webhookEventId" AND cp.state IN ('SUCCEEDED', 'FAILED'))`;
  return rows[0]?.n ?? 0;
}

/** Per tenant: each event's time from its receipt to its last push's success (or its completion, when it pushed nothing). */
export async function latencyFromReceipt({ stack }: Pick<BenchContext, "stack">, ids: string[]) {
  const rows = await stack.prisma.$queryRaw<
    { tenantId: string; receivedAt: Date; completedAt: Date | null; lastPushAt: Date | null }[]
  >`
    SELECT e."tenantId", e."receivedAt", e."completedAt", max(cp."pushedAt") AS "lastPushAt"
    FROM "WebhookEvent" e LEFT JOIN "ChannelPush" cp ON cp."webhookEventId" = e.id AND cp.state = 'SUCCEEDED'
    WHERE e.id = ANY(${ids}::text[])
    GROUP BY e.id`;
  const byTenant = new Map<string, { ms: number; doneAt: number }[]>();
  for (const row of rows) {
    const doneAt = Math.max(row.completedAt?.getTime() ?? 0, row.lastPushAt?.getTime() ?? 0);
    if (!doneAt) continue;
    byTenant.set(row.tenantId, [
      ...(byTenant.get(row.tenantId) ?? []),
      { ms: doneAt - row.receivedAt.getTime(), doneAt },
    ]);
  }
  return byTenant;
}
