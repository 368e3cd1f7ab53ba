import { randomUUID } from "node:crypto";
import { createShopTenant, FINAL_STATUSES, postDelivery, signedSamDelivery, type ShopTenant } from "../../integration/fixtures";
import { round, sleep } from "../stats";
import { size, type BenchContext, type Scenario } from "../types";

/**
 * The "holiday weekend": many webhooks across many tenants in a few seconds (paced at the target
 * rate, at most 64 in flight; the app's acknowledgement rate caps what is reached). Then: was
 * every acknowledged event brought to a final state (no loss), how long the pipeline took to
 * drain, and how fair it was — each tenant's drain time, slowest against fastest.
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
export async function sendBurst(tenants: ShopTenant[], total: number, seconds: number, stop?: () => boolean): Promise<BurstOutcome> {
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
      const delivery = signedSamDelivery(tenant.signingSecret, { eventId: `burst-${randomUUID()}`, samId: tenant.samIdOf(Math.floor(index / tenants.length) % ITEMS_PER_TENANT), stock: index % 9 });
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

export async function createBurstTenants(context: Pick<BenchContext, "stack" | "sim">, count: number, channel = true): Promise<ShopTenant[]> {
  const tenants: ShopTenant[] = [];
  for (let i = 0; i < count; i++) tenants.push(await createShopTenant(context.stack, context.sim, { items: ITEMS_PER_TENANT, channel }));
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
    const started = Date.now();
    const sent = await sendBurst(tenants, total, seconds);
    log(`burst: ${sent.acknowledged.length} acknowledged, ${sent.refused} refused ${JSON.stringify(sent.refusals)}, in ${round(sent.sendMs / 1000)} s; draining…`);

    const ids = sent.acknowledged.map((event) => event.id);
    const deadline = Date.now() + size("BENCH_BURST_DRAIN_TIMEOUT_S", 900, 300, context) * 1000;
    let final = 0;
    while (Date.now() < deadline) {
      final = await stack.prisma.webhookEvent.count({ where: { id: { in: ids }, status: { in: [...FINAL_STATUSES] } } });
      if (final === ids.length) break;
      await sleep(500);
    }
    const drainedMs = Date.now() - started;
    const byStatus = await stack.prisma.webhookEvent.groupBy({ by: ["status"], where: { id: { in: ids } }, _count: true });
    const perTenant = await stack.prisma.webhookEvent.groupBy({ by: ["tenantId"], where: { id: { in: ids } }, _max: { completedAt: true } });
    const tenantDrainMs = perTenant.map((row) => (row._max.completedAt?.getTime() ?? Date.now()) - started).sort((a, b) => a - b);
    const fastest = tenantDrainMs[0] ?? 0;
    const slowest = tenantDrainMs.at(-1) ?? 0;
    const lost = ids.length - final;
    return {
      figures: [
        { scenario: "burst", name: `${total} webhooks, ${tenantCount} tenants: acknowledged / refused, send time`, value: `${sent.acknowledged.length} / ${sent.refused}, ${round(sent.sendMs / 1000)} s`, unit: "" },
        { scenario: "burst", name: "acknowledged events not in a final state (loss)", value: lost, unit: "", target: "0", met: lost === 0 },
        { scenario: "burst", name: "time from first send to last event final (drain)", value: round(drainedMs / 1000), unit: "s" },
        { scenario: "burst", name: "per-tenant drain: fastest / slowest (ratio)", value: `${round(fastest / 1000)} / ${round(slowest / 1000)} (${round(slowest / Math.max(fastest, 1), 2)}×)`, unit: "s" },
      ],
      details: { refusals: sent.refusals, byStatus: Object.fromEntries(byStatus.map((row) => [row.status, row._count])), tenantDrainMs },
    };
  },
};
