import type { WebhookEventMessage } from "./ingest";

export interface ArrivalAttemptOptions {
  /** Applies the delivery and makes its pushes' first attempt (inngest/apply-and-push.ts). */
  attempt: (message: WebhookEventMessage) => Promise<void>;
  /** Attempts under way at once in this process; a delivery beyond them goes to Inngest alone. */
  inFlightLimit: number;
  onError: (error: unknown, message: WebhookEventMessage) => void;
  /** Each delivery's outcome, for the instance's metrics. */
  count: (outcome: "applied" | "failed" | "skipped") => void;
}

/**
 * A quiet tenant's delivery is applied and pushed by the instance that took it, right after the
 * answer, instead of waiting for the Inngest server to create its run: that wait was most of a
 * sale's time to its storefront, about 150 ms idle and 0.4–0.7 s (p50) while another tenant's
 * burst drained (docs/pipeline.md#applied-on-arrival). Its Inngest event is sent at the same time,
 * for a run that starts a few seconds later (ARRIVAL_RUN_DELAY_MS) as the durable net: it finds the
 * delivery final, or finishes what the attempt did not (a failed source read, a process that died).
 * The attempt claims and locks as a run does, so the two never apply a change twice.
 *
 * Returns whether an attempt started; the attempt itself never rejects.
 */
export function createArrivalAttempts(options: ArrivalAttemptOptions): (message: WebhookEventMessage) => boolean {
  let inFlight = 0;
  return (message) => {
    if (inFlight >= options.inFlightLimit) {
      options.count("skipped");
      return false;
    }
    inFlight++;
    void options
      .attempt(message)
      .then(
        () => options.count("applied"),
        (error: unknown) => {
          options.count("failed");
          options.onError(error, message);
        },
      )
      .finally(() => inFlight--);
    return true;
  };
}
