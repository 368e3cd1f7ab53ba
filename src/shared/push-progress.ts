import type { PushState } from "@/generated/prisma/enums";

/**
 * How one storefront push reads in the dashboard, from its row alone: "Retrying 3/7 — next
 * attempt at 15:31:05" from the first failed attempt, "Paused" behind an open circuit breaker,
 * "Failed after 7 attempts" once given up. Pure, so the event row, the drawer and the queue agree.
 */
export interface PushProgressInput {
  state: PushState;
  attempts: number;
  runAttempt: number;
  nextAttemptAt: Date | null;
  error: string | null;
}

export type PushPhase = "queued" | "sending" | "retrying" | "parked" | "delivered" | "failed";

export interface PushProgress {
  phase: PushPhase;
  /** Short words for a badge. */
  label: string;
  /** When the next attempt is due, if one is scheduled. */
  nextAttemptAt: Date | null;
}

/** Part of the error a push parked behind an open circuit breaker carries. */
export const PAUSED_PHRASE = "is paused after repeated failures";

export const formatTime = (date: Date) =>
  date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function pushProgress(push: PushProgressInput, maxAttempts: number): PushProgress {
  if (push.state === "SUCCEEDED")
    return {
      phase: "delivered",
      label: push.attempts > 1 ? `Delivered after ${push.attempts} attempts` : "Delivered",
      nextAttemptAt: null,
    };
  if (push.state === "FAILED")
    return {
      phase: "failed",
      label: `Failed after ${push.attempts} attempt${push.attempts === 1 ? "" : "s"}`,
      nextAttemptAt: null,
    };
  if (!push.error)
    return {
      phase: push.runAttempt ? "sending" : "queued",
      label: push.runAttempt ? "Sending" : "Queued",
      nextAttemptAt: null,
    };
  const parked = push.error.includes(PAUSED_PHRASE);
  const next = push.nextAttemptAt ? ` — next attempt at ${formatTime(push.nextAttemptAt)}` : "";
  if (parked)
    return { phase: "parked", label: `Paused (storefront failing)${next}`, nextAttemptAt: push.nextAttemptAt };
  return {
    phase: "retrying",
    label: `Retrying ${Math.min(push.runAttempt + 1, maxAttempts)}/${maxAttempts}${next}`,
    nextAttemptAt: push.nextAttemptAt,
  };
}
