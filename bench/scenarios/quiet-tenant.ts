import { loadavg } from "node:os";
import { createShopTenant, FINAL_STATUSES, type ShopTenant } from "../../integration/fixtures";
import { startAppQueueSampler } from "../app-metrics";
import { cpuFigure, startCpuMeter, type CpuSplit } from "../cpu";
import { startCpuLoad } from "../cpu-load";
import { waitForDrain } from "../drain";
import { startLoopDelayMeter } from "../loop-delay";
import { round, sleep, summarise } from "../stats";
import { phasesFigureValue, salePhases } from "../phases";
import { size, sizes, type BenchContext, type Figure, type Scenario } from "../types";
import { batchSizes, changesWithoutFinishedPush, createBurstTenants, latencyFromReceipt, sendBurst } from "./burst";

/**
 * Fairness for latency, not only throughput: a quiet tenant (its own SAM source and WooCommerce
 * channel) makes one sale a second — the SAM simulator sells the item and sends its signed
 * webhook — and each sale is timed until the quiet tenant's storefront shows it, first with
 * nothing else running (the baseline, in the same run), then while one or two noisy tenants'
 * burst drains (burst.ts's sender and pacing). The sales go on until the noisy drain is over;
 * each one is timed on its own, so a queue behind the burst shows as it grows. Between the two, the
 * same sales with the cores saturated by spinning processes instead of a burst (cpu-load.ts) give
 * the floor: what saturation alone costs a sale, with nothing of the burst in its way.
 */

interface Sale {
  sku: string;
  sentAt: number;
  /** The storefront quantity that means "arrived": the SAM quantity after the sale. */
  expected: number;
  ms?: number;
  failure?: string;
}

/** Sells items of the quiet tenant, one a second, and watches its storefront for each sale. */
class QuietSeller {
  private readonly pending = new Set<Sale>();
  private nextItem = 0;
  private watching = true;
  private readonly watcher: Promise<void>;

  constructor(
    private readonly context: BenchContext,
    private readonly tenant: ShopTenant,
    private readonly skus: string[],
    private readonly timeoutMs: number,
  ) {
    this.watcher = this.watch();
  }

  /** Sells `count` items one a second, or until `stop()` says so; returns every sale made. */
  async sellEverySecond(count: number, stop: () => boolean = () => false): Promise<Sale[]> {
    const sales: Sale[] = [];
    const started = performance.now();
    for (let i = 0; i < count && !stop(); i++) {
      const wait = started + i * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
      if (stop()) break;
      const sale = this.sell();
      if (!sale) break;
      sales.push(sale);
    }
    return sales;
  }

  /** Resolves when every sale made so far has arrived or timed out. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await sleep(50);
  }

  async close(): Promise<void> {
    await this.settled();
    this.watching = false;
    await this.watcher;
  }

  private sell(): Sale | undefined {
    const { sim } = this.context;
    const sku = this.skus[this.nextItem++];
    if (!sku) return undefined;
    const before = sim.controls.item(this.tenant.samStoreKey, sku)!.quantity;
    const sale: Sale = { sku, sentAt: performance.now(), expected: before - 1 };
    this.pending.add(sale);
    sim
      .emitWebhook({
        store: sim.stores.require(this.tenant.samStoreKey),
        kind: "sale",
        sku,
        targetUrl: this.tenant.webhookUrl,
        secret: this.tenant.signingSecret,
      })
      .then((result) => {
        if (result.status === 200) sale.expected = result.quantityAfter;
        else this.fail(sale, `HTTP ${result.status}`);
      })
      .catch((error: unknown) => this.fail(sale, error instanceof Error ? error.message : String(error)));
    return sale;
  }

  private fail(sale: Sale, reason: string) {
    if (sale.ms !== undefined) return;
    sale.failure ??= reason;
    this.pending.delete(sale);
  }

  /** The storefront, in process, every 2 ms (as the storefront scenario watches it). */
  private async watch(): Promise<void> {
    const { sim } = this.context;
    while (this.watching) {
      const now = performance.now();
      for (const sale of this.pending) {
        if (sim.controls.item(this.tenant.wooStoreKey!, sale.sku)?.quantity === sale.expected) {
          sale.ms = now - sale.sentAt;
          this.pending.delete(sale);
        } else if (now - sale.sentAt > this.timeoutMs)
          this.fail(sale, `not on the storefront within ${this.timeoutMs / 1000} s`);
      }
      await sleep(2);
    }
  }
}

/** p50 / p95 / max in ms of the sales that arrived, and how many did not. */
export function describeSales(sales: { ms?: number }[]) {
  const arrived = sales.flatMap((sale) => (sale.ms === undefined ? [] : [sale.ms]));
  const summary = summarise(arrived);
  return { sales: sales.length, arrived: arrived.length, missing: sales.length - arrived.length, ...summary };
}

const loadAverage = () => round(loadavg()[0]!, 2);

export const quietTenant: Scenario = {
  name: "quiet",
  describe:
    "a quiet tenant's sales, one a second, timed to its storefront while other tenants' burst drains, beside the same sales idle",
  needsStack: true,
  async run(context: BenchContext) {
    const { stack, sim, log } = context;
    const rounds = sizes("BENCH_QUIET_NOISY_EVENTS", [3_000, 10_000], [300], context);
    const noisyCount = size("BENCH_QUIET_NOISY_TENANTS", 1, 1, context);
    const seconds = size("BENCH_QUIET_NOISY_SECONDS", 10, 5, context);
    const idleSales = size("BENCH_QUIET_IDLE_SALES", 30, 10, context);
    const drainTimeoutS = size("BENCH_QUIET_DRAIN_TIMEOUT_S", 900, 300, context);
    const saleTimeoutMs = size("BENCH_QUIET_SALE_TIMEOUT_S", 300, 120, context) * 1000;

    // One item per sale (a sale of a unique piece is its last); at most one sale a second per drain.
    const itemCount = Math.ceil((idleSales + rounds.length * drainTimeoutS) * 1.5);
    const quiet = await createShopTenant(stack, sim, { items: itemCount });
    const skus = sim.controls
      .items(quiet.samStoreKey, { offset: 0, limit: itemCount })
      .filter((item) => item.quantity > 0)
      .map((item) => item.sku);
    const noisy = await createBurstTenants(context, noisyCount);
    const seller = new QuietSeller(context, quiet, skus, saleTimeoutMs);
    const figures: Figure[] = [];
    const details: Record<string, unknown> = {};
    try {
      log(`quiet: ${idleSales} sales, one a second, with nothing else running (load ${loadAverage()})…`);
      const idleSold = await seller.sellEverySecond(idleSales);
      await seller.settled();
      const idle = describeSales(idleSold);
      await waitForDrain(stack.prisma, [quiet.tenantId]);
      details.idle = idle;
      figures.push({
        scenario: "quiet",
        name: `quiet tenant idle (baseline): sale → storefront p50 / p95 / max over ${idle.arrived} of ${idle.sales} sales`,
        value: `${round(idle.p50, 0)} / ${round(idle.p95, 0)} / ${round(idle.max, 0)}`,
        unit: "ms",
        target: "p95 ≤ 150 ms",
        met: idle.arrived === idle.sales && idle.p95 <= 150,
      });

      log(`quiet: ${idleSales} sales, one a second, with every core kept busy by spinning processes…`);
      const load = startCpuLoad();
      const loadedCpu = await startCpuMeter(stack);
      const loadedSold = await seller
        .sellEverySecond(idleSales)
        .then(async (sold) => {
          await seller.settled();
          return sold;
        })
        .finally(() => load.stop());
      const loadedSplit = await loadedCpu.stop();
      const loaded = describeSales(loadedSold);
      await waitForDrain(stack.prisma, [quiet.tenantId]);
      details.saturatedCores = { ...loaded, spinners: load.processes, cpuSplit: loadedSplit };
      figures.push({
        scenario: "quiet",
        name: `quiet tenant, every core kept busy by ${load.processes} spinning processes and no burst (the saturation floor): sale → storefront p50 / p95 / max over ${loaded.arrived} of ${loaded.sales} sales`,
        value: `${round(loaded.p50, 0)} / ${round(loaded.p95, 0)} / ${round(loaded.max, 0)}`,
        unit: "ms",
      });

      for (const events of rounds) {
        const label = `${events} noisy webhooks (${noisyCount} tenant${noisyCount > 1 ? "s" : ""})`;
        const loadAtStart = loadAverage();
        log(
          `quiet: ${label} paced for ${seconds} s, quiet sales one a second until the noisy drain ends (load ${loadAtStart})…`,
        );
        const cpu = await startCpuMeter(stack);
        const loopDelay = startLoopDelayMeter();
        const appQueues = startAppQueueSampler(stack);
        const started = Date.now();
        let drainOver = false;
        const selling = seller.sellEverySecond(Number.MAX_SAFE_INTEGER, () => drainOver);
        const sent = await sendBurst(noisy, events, seconds);
        const ids = sent.acknowledged.map((event) => event.id);
        const drained = await waitForNoisyDrain(context, ids, Date.now() + drainTimeoutS * 1000);
        drainOver = true;
        const cpuSplit: CpuSplit = await cpu.stop();
        const benchLoopDelay = loopDelay.stop();
        const queues = await appQueues.stop();
        const loadAtEnd = loadAverage();
        const sales = await selling;
        await seller.settled();
        const during = describeSales(sales);
        const latencies = await latencyFromReceipt(context, ids);
        const phases = await salePhases(stack, {
          tenantId: quiet.tenantId,
          receivedAt: { gte: new Date(started), lte: new Date() },
        });
        const runSizes = await batchSizes(context, ids);
        const lastDoneAt = Math.max(...[...latencies.values()].flat().map((entry) => entry.doneAt));
        const drainS = drained ? round((lastDoneAt - started) / 1000) : null;
        log(
          `quiet: ${label}: ${sent.acknowledged.length} acknowledged, ${sent.refused} refused; drain ${drainS ?? "TIMED OUT"} s; quiet p95 ${during.p95} ms over ${during.arrived}/${during.sales} (load ${loadAtStart} → ${loadAtEnd})`,
        );
        details[`noisy ${events}`] = {
          noisyTenants: noisyCount,
          acknowledged: sent.acknowledged.length,
          refused: sent.refused,
          refusals: sent.refusals,
          drainSeconds: drainS,
          quiet: during,
          failures: sales.filter((sale) => sale.failure).map((sale) => `${sale.sku}: ${sale.failure}`),
          cpuSplit,
          batchSizes: runSizes,
          quietPhases: phases,
          benchLoopDelay,
          appQueues: queues,
          loadAverage: { start: loadAtStart, end: loadAtEnd },
        };
        figures.push(
          {
            scenario: "quiet",
            name: `quiet tenant while ${label} drain: sale → storefront p50 / p95 / max over ${during.arrived} sales`,
            value: during.arrived ? `${round(during.p50, 0)} / ${round(during.p95, 0)} / ${round(during.max, 0)}` : "—",
            unit: "ms",
            target: "p95 ≤ 1 s",
            met: during.arrived > 0 && during.p95 <= 1000,
          },
          {
            scenario: "quiet",
            name: `quiet sales not on the storefront (of ${during.sales} made during the drain)`,
            value: during.missing,
            unit: "",
            target: "0",
            met: during.missing === 0,
          },
          {
            scenario: "quiet",
            name: `${label}: acknowledged / refused, drain (first send → last storefront push)`,
            value: `${sent.acknowledged.length} / ${sent.refused}, ${drainS === null ? `TIMED OUT after ${drainTimeoutS} s` : `${drainS} s`}`,
            unit: "",
            target: "drains",
            met: drainS !== null,
          },
          {
            scenario: "quiet",
            name: `${label}: apply runs by deliveries per run (1 = fast path)`,
            value: Object.entries(runSizes)
              .map(([bucket, runs]) => `${bucket}: ${runs}`)
              .join(", "),
            unit: "",
          },
          {
            scenario: "quiet",
            name: `where a quiet sale's time goes during the ${label} drain, p50 (p95): stored → Inngest run created (0 for the ${phases.onArrival} applied on arrival) / → apply starts / apply / → push starts / platform call`,
            value: `${phasesFigureValue(phases, "p50")} (${phasesFigureValue(phases, "p95")})`,
            unit: "ms",
          },
          {
            scenario: "quiet",
            name: `the bench process's event-loop delay during the ${label} drain, p50 / p95 / max (its simulators answer the platform calls from that loop)`,
            value: `${benchLoopDelay.p50} / ${benchLoopDelay.p95} / ${benchLoopDelay.max}`,
            unit: "ms",
          },
          {
            scenario: "quiet",
            name: `the app during the ${label} drain, over one-second windows: event-loop delay p99 (median window) / max; statements waiting for a main-pool connection median / max; main-pool connections in use median / max; statements waiting for a fast-path connection median / max`,
            value: `${queues.loopDelayMs.p99Median} / ${queues.loopDelayMs.max} ms; ${queues.poolWaiting.median} / ${queues.poolWaiting.max}; ${queues.poolInUse.median} / ${queues.poolInUse.max}; ${queues.fastPathWaiting.median} / ${queues.fastPathWaiting.max}`,
            unit: "",
          },
          cpuFigure("quiet", cpuSplit, `the ${label} drain`),
        );
      }
    } finally {
      await seller.close();
    }
    await waitForDrain(stack.prisma, [quiet.tenantId, ...noisy.map((tenant) => tenant.tenantId)]);
    return { figures, details };
  },
};

/** Until every noisy event is final and every stock change it made has a finished push; false on timeout. */
async function waitForNoisyDrain(context: BenchContext, ids: string[], deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    const final = await context.stack.prisma.webhookEvent.count({
      where: { id: { in: ids }, status: { in: [...FINAL_STATUSES] } },
    });
    if (final === ids.length && (await changesWithoutFinishedPush(context, ids)) === 0) return true;
    await sleep(500);
  }
  return false;
}
