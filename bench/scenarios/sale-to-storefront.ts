import type { Stack } from "../../integration/harness";
import { createShopTenant } from "../../integration/fixtures";
import { waitForDrain } from "../drain";
import { round, sleep, summarise } from "../stats";
import { size, type BenchContext, type Scenario } from "../types";

/**
 * A sale at the gallery (the SAM simulator changes its stock and sends its signed webhook) until
 * the WooCommerce simulator holds the new quantity, one sale at a time on an otherwise idle
 * tenant. The storefront is watched in process every 2 ms, so the figure is the pipeline's.
 */
export const saleToStorefront: Scenario = {
  name: "storefront",
  describe: "signed sale webhook → simulated storefront showing the new quantity, p50/p95 over N sales",
  needsStack: true,
  async run(context: BenchContext) {
    const { stack, sim, log } = context;
    const sales = size("BENCH_SALES", 200, 30, context);
    const tenant = await createShopTenant(stack, sim, { items: sales });
    const samStore = sim.stores.require(tenant.samStoreKey);
    const latencies: number[] = [];
    const failures: string[] = [];
    for (let index = 0; index < sales; index++) {
      const item = sim.controls.items(tenant.samStoreKey, { offset: index, limit: 1 })[0]!;
      if (item.quantity === 0) continue;
      const sku = item.sku;
      const started = performance.now();
      const result = await sim.emitWebhook({
        store: samStore,
        kind: "sale",
        sku,
        targetUrl: tenant.webhookUrl,
        secret: tenant.signingSecret,
      });
      if (result.status !== 200) {
        failures.push(`${sku}: HTTP ${result.status}`);
        continue;
      }
      const deadline = started + 30_000;
      while (
        sim.controls.item(tenant.wooStoreKey!, sku)!.quantity !== result.quantityAfter &&
        performance.now() < deadline
      )
        await sleep(2);
      if (performance.now() >= deadline) failures.push(`${sku}: storefront not updated within 30 s`);
      else latencies.push(performance.now() - started);
      if ((index + 1) % 50 === 0) log(`storefront: ${index + 1}/${sales} sales`);
    }
    await waitForDrain(stack.prisma, [tenant.tenantId]);
    const summary = summarise(latencies);
    const phases = await phasesOf(stack, tenant.tenantId);
    return {
      figures: [
        {
          scenario: "storefront",
          name: `sale → storefront over ${latencies.length} sales: p50 / p95 / p99`,
          value: `${round(summary.p50, 0)} / ${round(summary.p95, 0)} / ${round(summary.p99, 0)}`,
          unit: "ms",
          target: "p95 ≤ 1 s",
          met: summary.p95 <= 1000,
        },
        {
          scenario: "storefront",
          name: "where a sale's time goes, p50: stored → Inngest run created / → apply step starts / apply / → push starts / platform call",
          value: [phases.runCreated, phases.waitForRun, phases.apply, phases.toPush, phases.call]
            .map((p) => round(p.p50, 0))
            .join(" / "),
          unit: "ms",
        },
        {
          scenario: "storefront",
          name: "sales not reflected on the storefront",
          value: failures.length,
          unit: "",
          target: "0",
          met: failures.length === 0,
        },
      ],
      details: { summary, phases, failures },
    };
  },
};

/**
 * Each sale's phases from the rows the pipeline wrote: the delivery stored (receivedAt), the run
 * created (the time in its ULID), its apply attempt and its push attempt. Until the apply step
 * starts the time is the Inngest server's: its in-memory event stream (gocloud's mempubsub, in
 * `inngest dev` and `inngest start` alike) sleeps 250 ms whenever it finds no event waiting, so an
 * event sent to an idle server waits up to that long before a run exists (docs/pipeline.md).
 */
async function phasesOf(stack: Stack, tenantId: string) {
  const events = await stack.prisma.webhookEvent.findMany({
    where: { tenantId },
    select: {
      receivedAt: true,
      inngestRunId: true,
      pipelineAttempts: { select: { kind: true, startedAt: true, finishedAt: true }, orderBy: { startedAt: "asc" } },
    },
  });
  const runCreated: number[] = [];
  const waitForRun: number[] = [];
  const apply: number[] = [];
  const toPush: number[] = [];
  const call: number[] = [];
  for (const event of events) {
    const applied = event.pipelineAttempts.find((attempt) => attempt.kind === "PROCESSING");
    const pushed = event.pipelineAttempts.find((attempt) => attempt.kind === "PUSH");
    if (!applied || !pushed) continue;
    const createdAt = event.inngestRunId ? ulidTime(event.inngestRunId) : undefined;
    if (createdAt === undefined) continue;
    runCreated.push(createdAt - event.receivedAt.getTime());
    waitForRun.push(applied.startedAt.getTime() - createdAt);
    apply.push(applied.finishedAt.getTime() - applied.startedAt.getTime());
    toPush.push(pushed.startedAt.getTime() - applied.finishedAt.getTime());
    call.push(pushed.finishedAt.getTime() - pushed.startedAt.getTime());
  }
  return {
    runCreated: summarise(runCreated),
    waitForRun: summarise(waitForRun),
    apply: summarise(apply),
    toPush: summarise(toPush),
    call: summarise(call),
  };
}

/** The millisecond timestamp in a ULID (Inngest's run ids): when the server created the run. */
function ulidTime(id: string): number | undefined {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let time = 0;
  for (const char of id.slice(0, 10).toUpperCase()) {
    const digit = alphabet.indexOf(char);
    if (digit < 0) return undefined;
    time = time * 32 + digit;
  }
  return time;
}
