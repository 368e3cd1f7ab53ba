import { useMutation, useQueryClient } from "@tanstack/react-query";
import { buttonClass } from "@/app/_components/ui";
import { pushProgress } from "@/shared/push-progress";
import { useTRPC } from "@/trpc/react";
import type { EventDetail } from "./types";

/** The offer to replay a failed or skipped delivery, then what that replay is doing. */
export function EventReplay({ event, canReplay }: { event: EventDetail; canReplay: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const replay = useMutation(
    trpc.event.replay.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.event.pathKey() }),
    }),
  );
  return (
    <>
      {event.replayable ? (
        <section className="space-y-2 rounded-lg bg-amber-50 p-3 ring-1 ring-amber-200">
          <p className="text-amber-900">
            {event.status === "FAILED"
              ? "This delivery failed after every retry. Fix the cause (for example a storefront that was down), then replay it: the stock change is applied once, and only storefronts not yet updated are pushed again."
              : "This delivery changed nothing (no matching product). If you have since linked the product, replay it."}
          </p>
          <button
            type="button"
            className={buttonClass}
            disabled={!canReplay || replay.isPending}
            onClick={() => replay.mutate({ ids: [event.id] })}
          >
            {replay.isPending ? "Replaying…" : "Replay event"}
          </button>
          {!canReplay ? <p className="text-xs text-slate-600">Viewers cannot replay events.</p> : null}
        </section>
      ) : null}
      {replay.isSuccess ? <ReplayStatus deferred={replay.data.deferred.length > 0} event={event} /> : null}
      {replay.error ? (
        <p role="alert" className="text-rose-800">
          {replay.error.message}
        </p>
      ) : null}
    </>
  );
}

/** What the replay the viewer started is doing now: under way, done, or failed again. */
function ReplayStatus({ deferred, event }: { deferred: boolean; event: EventDetail }) {
  if (deferred)
    return (
      <p role="status" className="text-emerald-800">
        Queued: it is sent as soon as the pipeline is reachable.
      </p>
    );
  const phases = event.pushes.map((push) => pushProgress(push, event.maxPushAttempts).phase);
  if (
    ["QUEUED", "PROCESSING"].includes(event.status) ||
    phases.some((phase) => phase === "queued" || phase === "sending")
  )
    return (
      <p role="status" className="text-slate-700">
        Replay started…
      </p>
    );
  if (event.status === "FAILED")
    return (
      <p role="status" className="text-rose-800">
        The replay failed too; see the attempts below.
      </p>
    );
  if (phases.some((phase) => phase === "retrying" || phase === "parked"))
    return (
      <p role="status" className="text-amber-800">
        Replayed; a storefront is still being retried.
      </p>
    );
  return (
    <p role="status" className="text-emerald-800">
      Replay finished.
    </p>
  );
}
