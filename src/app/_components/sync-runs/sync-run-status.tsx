import { StatusBadge } from "@/app/_components/ui";
import { syncRunPhase, type SyncRunPhaseInput } from "@/shared/sync-run-phase";

/** A sync run's status chip: "Retrying — next attempt at …" (amber) while a failed page waits. */
export function SyncRunStatus({ run }: { run: SyncRunPhaseInput }) {
  const phase = syncRunPhase(run);
  return phase.retrying ? <StatusBadge status={phase.label} tone="amber" /> : <StatusBadge status={run.status} />;
}
