import { formatTime } from "./push-progress";

export interface SyncRunPhaseInput {
  status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  errorCount: number;
  nextAttemptAt: Date | null;
}

/**
 * Where a reconcile stands in words, the same on the connection page, the sync run page and the
 * lists: a running run whose page failed reads "Retrying — next attempt at 15:31:05", not
 * "Running"; `active` says whether Cancel applies and whether its figures are still moving.
 */
export function syncRunPhase(run: SyncRunPhaseInput): { label: string; active: boolean; retrying: boolean } {
  const active = run.status === "QUEUED" || run.status === "RUNNING";
  if (run.status === "RUNNING" && run.nextAttemptAt)
    return { label: `Retrying — next attempt at ${formatTime(run.nextAttemptAt)}`, active, retrying: true };
  if (run.status === "RUNNING" && run.errorCount > 0) return { label: "Retrying", active, retrying: true };
  return { label: run.status.charAt(0) + run.status.slice(1).toLowerCase(), active, retrying: false };
}
