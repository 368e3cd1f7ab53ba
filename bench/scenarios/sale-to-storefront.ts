import { createShopTenant } from "../../integration/fixtures";
import { waitForDrain } from "../drain";
import { phasesFigureValue, salePhases } from "../phases";
import { pace, round, sleep, summarise } from "../stats";
import { size, type BenchContext, type Scenario } from "../types";

/**
 * A sale at the gallery (the SAM simulator changes its stock and sends its signed webhook) until
 * the WooCommerce simulator holds the new quantity, one sale at a time on an otherwise idle
 * tenant, a second apart (see `pace`). The storefront is watched in process every 2 ms, so the
 * figure is the pipeline's.
 */
export const saleToStorefront: Scenario = {
  name: "storefront",
  describe: "signed sale webhook → simulated storefront showing the new quantity, p50/p95 over N sales",
  needsStack: true,
  async run(context: BenchContext) {
    const { stack, sim, log } = context;
    const sales = size("BENCH_SALES", 120, 30, context);
    const tenant = await createShopTenant(stack, sim, { items: sales });
    const samStore = sim.stores.require(tenant.samStoreKey);
    const latencies: number[] = [];
    const failures: string[] = [];
    const nextSale = pace(1_000);
    for (let index = 0; index < sales; index++) {
      const item = sim.controls.items(tenant.samStoreKey, { offset: index, limit: 1 })[0]!;
      if (item.quantity === 0) continue;
      const sku = item.sku;
      await nextSale();
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
    const phases = await salePhases(stack, { tenantId: tenant.tenantId });
    return {
      figures: [
        {
          scenario: "storefront",
          name: `sale → storefront over ${latencies.length} sales: p50 / p95 / p99`,
          value: `${round(summary.p50, 0)} / ${round(summary.p95, 0)} / ${round(summary.p99, 0)}`,
          unit: "ms",
          target: "p95 ≤ 150 ms",
          met: summary.p95 <= 150,
        },
        {
          scenario: "storefront",
          name: `where a sale's time goes, p50: stored → Inngest run created (0 for the ${phases.onArrival} applied on arrival) / → apply starts / apply / → push starts / platform call`,
          value: phasesFigureValue(phases, "p50"),
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
