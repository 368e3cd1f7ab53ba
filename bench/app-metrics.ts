import type { Stack } from "../integration/harness";
import { round, summarise } from "./stats";

/** The app's /api/metrics text (one instance's, given its URL), or null when it did not answer in time. */
export async function scrapeAppMetrics(stack: Stack, url = stack.appUrl): Promise<string | null> {
  try {
    const response = await fetch(`${url}/api/metrics`, {
      headers: { authorization: `Bearer ${stack.env.METRICS_TOKEN}` },
      signal: AbortSignal.timeout(5_000),
    });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

/** One sample's value, e.g. `metricValue(text, 'stockhook_db_pool_connections{state="in_use"}')`; NaN when absent. */
export function metricValue(text: string, series: string): number {
  const escaped = series.replace(/[{}"=,]/g, (char) => `\\${char}`);
  return Number(new RegExp(`^${escaped} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
}

/**
 * Where a request waits inside the app, scraped every second: its event-loop delay (prom-client
 * measures it between scrapes and starts over at each one) and its database pools — statements
 * waiting for a connection of the main pool and of the fast path's, and the main pool's connections in use. A quiet tenant's sale that is slow while a
 * burst drains, with the cores to spare, waits in one of these two queues.
 */
export function startAppQueueSampler(stack: Stack, everyMs = 1_000) {
  const samples: { loopP99: number; loopMax: number; waiting: number; inUse: number; fastPathWaiting: number }[] = [];
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => {
      const text = await scrapeAppMetrics(stack);
      if (!text) return;
      samples.push({
        loopP99: metricValue(text, "nodejs_eventloop_lag_p99_seconds") * 1000,
        loopMax: metricValue(text, "nodejs_eventloop_lag_max_seconds") * 1000,
        waiting: metricValue(text, 'stockhook_db_pool_waiting_queries{pool="main"}'),
        inUse: metricValue(text, 'stockhook_db_pool_connections{pool="main",state="in_use"}'),
        fastPathWaiting: metricValue(text, 'stockhook_db_pool_waiting_queries{pool="fast_path"}'),
      });
    });
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      const of = (pick: (sample: (typeof samples)[number]) => number) =>
        summarise(samples.map(pick).filter(Number.isFinite));
      const loopP99 = of((s) => s.loopP99);
      const loopMax = of((s) => s.loopMax);
      const waiting = of((s) => s.waiting);
      const inUse = of((s) => s.inUse);
      const fastPathWaiting = of((s) => s.fastPathWaiting);
      return {
        samples: samples.length,
        /** Per one-second window: the median window's p99, and the worst window's max. */
        loopDelayMs: { p99Median: round(loopP99.p50, 0), max: round(loopMax.max, 0) },
        poolWaiting: { median: round(waiting.p50, 0), max: round(waiting.max, 0) },
        poolInUse: { median: round(inUse.p50, 0), max: round(inUse.max, 0) },
        fastPathWaiting: { median: round(fastPathWaiting.p50, 0), max: round(fastPathWaiting.max, 0) },
      };
    },
  };
}

export type AppQueues = Awaited<ReturnType<ReturnType<typeof startAppQueueSampler>["stop"]>>;
