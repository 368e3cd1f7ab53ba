import { createShopTenant } from "../../integration/fixtures";
import { processGroupRss, round, sleep } from "../stats";
import { size, sizes, type BenchContext, type Scenario } from "../types";

/**
 * A full reconcile of a simulated SAM catalogue that Stockhook already knows, after 1% of it
 * drifted (sales whose webhooks never arrived), against a rate-limited simulator: wall time,
 * API calls (and how many were refused with 429), and the app's peak resident memory.
 */
const DRIFT = 0.01;

export const reconcile: Scenario = {
  name: "reconcile",
  describe:
    "full reconcile of 1k/10k/20k/50k-item catalogues with 1% drift, rate-limited simulator: wall time, API calls, peak memory",
  needsStack: true,
  // Its memory figure must be the reconcile's, not what earlier scenarios' bursts left in the heap.
  freshStack: true,
  async run(context: BenchContext) {
    const { stack, sim, log } = context;
    const catalogueSizes = sizes("BENCH_RECONCILE_SIZES", [1_000, 10_000, 20_000, 50_000], [1_000, 5_000], context);
    const perSecond = size("BENCH_RECONCILE_RATE", 5, 5, context);
    const figures = [];
    const runs = [];
    for (const items of catalogueSizes) {
      const tenant = await createShopTenant(stack, sim, { items, channel: false });
      const drifted = Math.round(items * DRIFT);
      // Spread the drift over the catalogue: every (1/DRIFT)-th item lost one unit or sold out.
      for (let k = 0; k < drifted; k++) {
        const view = sim.controls.items(tenant.samStoreKey, { offset: Math.floor(k / DRIFT), limit: 1 })[0]!;
        sim.controls.setItem(tenant.samStoreKey, view.sku, { quantity: view.quantity > 0 ? view.quantity - 1 : 3 });
      }
      sim.controls.set(tenant.samStoreKey, { rateLimit: { limit: perSecond, windowMs: 1_000 } });
      sim.controls.resetRequests(tenant.samStoreKey);
      const pid = stack.app.pid()!;
      const rssBefore = processGroupRss(pid);
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, processGroupRss(pid))), 100);
      log(`reconcile: ${items} items, ${drifted} drifted, ${perSecond} requests/s allowed`);
      const started = performance.now();
      await stack.sendEvent({
        name: "stock/reconcile.requested",
        data: { tenantId: tenant.tenantId, connectionId: tenant.samConnectionId, mode: "full", trigger: "MANUAL" },
      });
      let run = null;
      while (performance.now() - started < 15 * 60_000) {
        run = await stack.prisma.syncRun.findFirst({
          where: { connectionId: tenant.samConnectionId, status: { in: ["SUCCEEDED", "FAILED"] } },
        });
        if (run) break;
        await sleep(100);
      }
      const wallMs = performance.now() - started;
      clearInterval(sampler);
      const requests = sim.controls.requests(tenant.samStoreKey);
      const limited = requests.log.filter((entry) => entry.status === 429).length;
      const result = {
        items,
        drifted,
        status: run?.status ?? "TIMED OUT",
        wallMs,
        runMs: run?.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
        pages: run?.pages,
        changed: run?.itemsChanged,
        scanned: run?.itemsScanned,
        apiCalls: requests.total,
        limited,
        rssBeforeMiB: round(rssBefore / 2 ** 20),
        rssPeakMiB: round(rssPeak / 2 ** 20),
      };
      runs.push(result);
      log(`reconcile: ${JSON.stringify(result)}`);
      sim.controls.reset(tenant.samStoreKey);
      const met = result.status === "SUCCEEDED" && result.changed === drifted;
      figures.push({
        scenario: "reconcile",
        name: `${items} items (${drifted} drifted): wall time, changed, API calls (429s), app RSS before → peak`,
        value: `${round(wallMs / 1000)} s, ${result.changed ?? "?"}, ${requests.total} (${limited}), ${result.rssBeforeMiB} MiB → ${result.rssPeakMiB} MiB`,
        unit: "",
        ...(items === 20_000
          ? { target: "≤ 60 s, all drift found", met: met && wallMs <= 60_000 }
          : { target: "all drift found", met }),
      });
    }
    return { figures, details: { perSecond, runs } };
  },
};
