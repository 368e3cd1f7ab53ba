import { type RateLimitHooks, type Sleep } from "./http";

/**
 * Paces requests from a platform's "requests left in this window" headers so the connector
 * waits for the window to reset before the platform has to answer 429.
 */
export interface WindowHeaders {
  left: string;
  resetMs: string;
}

export function windowGate(headers: WindowHeaders, sleep: Sleep, now: () => number = Date.now): RateLimitHooks {
  let left = Number.POSITIVE_INFINITY;
  let resetAt = 0;
  return {
    async beforeRequest() {
      if (left <= 0 && resetAt > now()) await sleep(resetAt - now());
      if (resetAt <= now()) left = Number.POSITIVE_INFINITY;
      // Counted before the response so concurrent calls on one connector share the budget.
      left -= 1;
    },
    onResponse(response) {
      const reportedLeft = Number(response.headers.get(headers.left));
      const resetMs = Number(response.headers.get(headers.resetMs));
      if (response.headers.has(headers.left) && Number.isFinite(reportedLeft)) left = reportedLeft;
      if (response.headers.has(headers.resetMs) && Number.isFinite(resetMs)) resetAt = now() + resetMs;
    },
  };
}
