"use client";

import { useMutation } from "@tanstack/react-query";
import { secondaryButtonClass } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";

/** Deliveries a replay can take (the server checks again): failed or skipped, with a payload kept. */
export function replayable(event: { status: string; signatureVerdict: string }): boolean {
  return (
    (event.status === "FAILED" || event.status === "SKIPPED") &&
    (event.signatureVerdict === "VALID" || event.signatureVerdict === "NOT_REQUIRED")
  );
}

/** The bar over the table while rows are ticked: replay them all through the one replay mutation. */
export function BulkReplayBar({
  selected,
  canReplay,
  onDone,
  onClear,
}: {
  selected: string[];
  canReplay: boolean;
  onDone: () => void;
  onClear: () => void;
}) {
  const trpc = useTRPC();
  const replay = useMutation(trpc.event.replay.mutationOptions({ onSuccess: onDone }));
  if (!selected.length && !replay.data && !replay.error) return null;
  return (
    <div
      className="flex flex-wrap items-center gap-3 rounded-lg bg-brand-50 px-4 py-2 text-sm ring-1 ring-brand-100"
      data-testid="bulk-replay"
    >
      {selected.length ? (
        <>
          <span>
            {selected.length} event{selected.length === 1 ? "" : "s"} selected
          </span>
          <button
            type="button"
            className={secondaryButtonClass}
            disabled={!canReplay || replay.isPending}
            onClick={() => replay.mutate({ ids: selected })}
          >
            {replay.isPending ? "Replaying…" : `Replay ${selected.length}`}
          </button>
          <button type="button" className="text-slate-600 underline" onClick={onClear}>
            Clear selection
          </button>
          {!canReplay ? <span className="text-xs text-slate-600">Viewers cannot replay events.</span> : null}
        </>
      ) : null}
      {replay.data ? (
        <p role="status" className="text-slate-700">
          Replayed {replay.data.replayed.length + replay.data.deferred.length}
          {replay.data.refused.length ? `; ${replay.data.refused.length} could not be replayed` : ""}.
        </p>
      ) : null}
      {replay.error ? (
        <p role="alert" className="text-rose-800">
          {replay.error.message}
        </p>
      ) : null}
    </div>
  );
}
