import { changeSource, outboundOutcome, providerLabel, pushFailureReason, webhookOutcome } from "./labels";
import { metrics } from "./registry";

/**
 * The one-line calls the app's parts make to count what they did. Each takes what its caller
 * already has; the label rules live in labels.ts.
 */

const secondsSince = (startedAt: number) => (performance.now() - startedAt) / 1000;

/** What the front door learnt about a delivery on its way to the answer (filled in by ingestWebhook). */
export interface DeliverySeen {
  provider?: string;
  handshake?: boolean;
}

/** Counts one front-door answer and its latency; returns the answer, for `return observe…(…)`. */
export function observeWebhookAnswer<A extends { status: number; body: string }>(
  seen: DeliverySeen,
  startedAt: number,
  answer: A,
): A {
  const labels = { provider: providerLabel(seen.provider), outcome: webhookOutcome(answer, seen.handshake ?? false) };
  const { webhookAckSeconds, webhookDeliveries } = metrics();
  webhookAckSeconds.observe(labels, secondsSince(startedAt));
  webhookDeliveries.inc(labels);
  return answer;
}

/** Times one storefront call and counts its failure by reason; the call's result or error passes through. */
export async function observePush<T>(provider: string, push: () => Promise<T>): Promise<T> {
  const startedAt = performance.now();
  const { channelPushSeconds, channelPushFailures } = metrics();
  try {
    const result = await push();
    channelPushSeconds.observe({ provider: providerLabel(provider), outcome: "succeeded" }, secondsSince(startedAt));
    return result;
  } catch (error) {
    channelPushSeconds.observe({ provider: providerLabel(provider), outcome: "failed" }, secondsSince(startedAt));
    channelPushFailures.inc({ provider: providerLabel(provider), reason: pushFailureReason(error) });
    throw error;
  }
}

/** Counts a quiet tenant's delivery applied on arrival, failed there, or skipped for the instance's limit. */
export function countArrivalAttempt(outcome: "applied" | "failed" | "skipped"): void {
  metrics().arrivalAttempts.inc({ outcome });
}

/** Counts the stock engine's verdicts once their transaction committed. */
export function countStockChanges(changes: { source: string }[], outcomes: { kind: string }[]): void {
  const { stockChanges } = metrics();
  outcomes.forEach((outcome, index) =>
    stockChanges.inc({ source: changeSource(changes[index]?.source ?? ""), outcome: outcome.kind }),
  );
}

/** Counts a reconcile run that ended (SUCCEEDED or FAILED) and how long it took. */
export function observeReconcileEnd(
  run: { provider: string; mode: string; startedAt: Date },
  outcome: "succeeded" | "failed",
  endedAt = new Date(),
): void {
  const labels = { provider: providerLabel(run.provider), mode: run.mode.toLowerCase(), outcome };
  const { reconcileRuns, reconcileSeconds } = metrics();
  reconcileRuns.inc(labels);
  reconcileSeconds.observe(labels, Math.max(0, (endedAt.getTime() - run.startedAt.getTime()) / 1000));
}

/** Counts one outbound delivery attempt (one POST, redirects included) by outcome, with its latency. */
export function observeOutboundAttempt(result: {
  status: number | null;
  error: string | null;
  refused: boolean;
  latencyMs: number;
}): void {
  const labels = { outcome: outboundOutcome(result) };
  const { outboundAttempts, outboundAttemptSeconds } = metrics();
  outboundAttempts.inc(labels);
  outboundAttemptSeconds.observe(labels, result.latencyMs / 1000);
}

/** Counts outbound deliveries that ended FAILED. */
export function countOutboundGivenUp(deliveries: number): void {
  if (deliveries > 0) metrics().outboundGivenUp.inc(deliveries);
}
