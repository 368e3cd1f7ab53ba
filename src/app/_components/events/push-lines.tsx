"use client";

import { StatusBadge } from "@/app/_components/ui";
import { pushProgress, type PushPhase, type PushProgressInput } from "@/shared/push-progress";

const PHASE_TONE: Record<PushPhase, "green" | "amber" | "red" | "gray"> = {
  queued: "gray",
  sending: "gray",
  retrying: "amber",
  parked: "amber",
  delivered: "green",
  failed: "red",
};

export interface DeliveryLine extends PushProgressInput {
  id: string;
  connection: { name: string };
}

/**
 * One line per storefront the event's change goes to, with where its push stands: delivered,
 * "Retrying 3/7 — next attempt at 15:31:05", paused behind an open breaker, or failed, and the
 * last error in plain words. `compact` (the event row) leaves out delivered storefronts' errors.
 */
export function PushLines({
  deliveries,
  maxAttempts,
  compact = false,
}: {
  deliveries: DeliveryLine[];
  maxAttempts: number;
  compact?: boolean;
}) {
  if (!deliveries.length) return null;
  return (
    <ul className="mt-1 space-y-1" data-testid="push-lines">
      {deliveries.map((push) => {
        const progress = pushProgress(push, maxAttempts);
        return (
          <li key={push.id} className="text-xs" data-testid="push-line" data-phase={progress.phase}>
            <span className="font-medium text-slate-700">{push.connection.name}:</span>{" "}
            <StatusBadge status={progress.label} tone={PHASE_TONE[progress.phase]} />
            {push.error && progress.phase !== "delivered" && !compact ? (
              <span className="mt-0.5 block text-rose-800">{push.error}</span>
            ) : null}
            {push.error && progress.phase !== "delivered" && compact ? (
              <span className="mt-0.5 block max-w-md truncate text-rose-800" title={push.error}>
                {push.error}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
