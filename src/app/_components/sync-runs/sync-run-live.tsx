"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { secondaryButtonClass } from "@/app/_components/ui";
import { ConfirmButton } from "@/app/_components/ui/confirm-button";
import { syncRunPhase } from "@/shared/sync-run-phase";
import { useTRPC } from "@/trpc/react";
import { SyncRunStatus } from "./sync-run-status";

const ACTIVE_REFRESH_MS = 2000;

/**
 * A sync run's state as it changes: "Retrying — next attempt at …" while a failed page waits, the
 * error so far, and Cancel (Member and up). Polled while the run is active; when its status
 * changes the server-rendered figures of the page are refreshed too, so nothing needs a reload.
 */
export function SyncRunLive({ runId, canCancel }: { runId: string; canCancel: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const detail = useQuery(
    trpc.syncRun.byId.queryOptions(
      { id: runId },
      {
        refetchInterval: (query) => {
          const run = query.state.data?.run;
          return run && syncRunPhase(run).active ? ACTIVE_REFRESH_MS : false;
        },
      },
    ),
  );
  const cancel = useMutation(trpc.syncRun.cancel.mutationOptions({ onSettled: () => void detail.refetch() }));
  const run = detail.data?.run;
  const status = run?.status;
  const seenStatus = useRef(status);
  useEffect(() => {
    if (seenStatus.current !== undefined && status !== seenStatus.current) router.refresh();
    seenStatus.current = status;
  }, [status, router]);
  if (!run) return null;
  const phase = syncRunPhase(run);

  return (
    <div role="status" aria-live="polite" data-testid="sync-run-live" className="mt-4 space-y-2 text-sm">
      <p className="flex flex-wrap items-center gap-2">
        <SyncRunStatus run={run} />
        {run.status === "CANCELLED" ? (
          <span className="text-slate-700">
            Cancelled{run.cancelledBy ? ` by ${run.cancelledBy.name}` : ""}; nothing more will be read or changed by
            this run.
          </span>
        ) : null}
        {phase.active && canCancel ? (
          <ConfirmButton
            className={secondaryButtonClass}
            disabled={cancel.isPending}
            title="Cancel this reconcile?"
            consequences={
              <p>
                It stops before its next page: changes already made stay, the rest of the catalogue is not read. You can
                start a new one with Resync.
              </p>
            }
            confirmLabel="Cancel reconcile"
            onConfirm={() => cancel.mutate({ id: runId })}
          >
            Cancel run
          </ConfirmButton>
        ) : null}
      </p>
      {run.lastError ? (
        <p className="rounded-lg bg-rose-50 px-3 py-2 text-rose-800 ring-1 ring-rose-200">
          {run.errorCount} error{run.errorCount === 1 ? "" : "s"} so far; the last: {run.lastError}
        </p>
      ) : null}
      {cancel.error ? (
        <p role="alert" className="text-rose-800">
          {cancel.error.message}
        </p>
      ) : null}
    </div>
  );
}
