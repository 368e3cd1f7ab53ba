import { monitorEventLoopDelay } from "node:perf_hooks";
import { round } from "./stats";

/**
 * The bench process's own event-loop delay over a window. Its simulators answer the app's
 * storefront calls from this loop, so while it also sends a burst, a "platform call" measured by
 * the app includes this wait: the figure says how much of it is the bench's, not the app's.
 */
export function startLoopDelayMeter() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    stop() {
      histogram.disable();
      const ms = (nanoseconds: number) => round(nanoseconds / 1e6, 0);
      return { p50: ms(histogram.percentile(50)), p95: ms(histogram.percentile(95)), max: ms(histogram.max) };
    },
  };
}
