"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useEffect, useRef } from "react";
import { formatDateTime, formatDuration, statusWords } from "@/app/_components/format";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import { buttonClass, secondaryButtonClass, StatusBadge } from "@/app/_components/ui";
import { pushProgress } from "@/shared/push-progress";
import { useTRPC } from "@/trpc/react";
import { PushLines } from "./push-lines";

const between = (from: Date | null, to: Date | null) => (from && to ? formatDuration(to.getTime() - from.getTime()) : "—");

/**
 * One event in full, in a modal side panel (native <dialog>: focus moves in, Escape closes):
 * headers, payload hash, signature verdict and the secret that matched, attempts and timings,
 * the stock change it caused, the storefront pushes, and the payload of accepted deliveries.
 * Failed and skipped deliveries can be replayed (MEMBER and up).
 */
export function EventDrawer({ eventId, canReplay, onClose }: { eventId: string; canReplay: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { slug } = useParams<{ slug: string }>();
  const dialog = useRef<HTMLDialogElement>(null);
  // Live while the event is in the pipeline or any storefront push is still under way.
  const detail = useQuery(
    trpc.event.byId.queryOptions({ id: eventId }, { refetchInterval: (query) => (["QUEUED", "PROCESSING"].includes(query.state.data?.status ?? "") || query.state.data?.pushes.some((push) => push.state === "PENDING") ? 1000 : false) }),
  );
  const run = useQuery(trpc.event.inngestRun.queryOptions({ id: eventId }, { enabled: detail.isSuccess, refetchInterval: (query) => (query.state.data?.found && !query.state.data.endedAt ? 2000 : false) }));
  const replay = useMutation(
    trpc.event.replay.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.event.pathKey() }),
    }),
  );

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const event = detail.data;
  return (
    <dialog
      ref={dialog}
      aria-labelledby="event-drawer-title"
      onClose={onClose}
      onClick={(e) => e.target === dialog.current && dialog.current.close()}
      className="m-0 ml-auto h-full max-h-none w-full max-w-2xl overflow-y-auto bg-white p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="sticky top-0 flex items-center justify-between border-b border-slate-200 bg-white px-5 py-4">
        <h2 id="event-drawer-title" className="text-lg font-semibold text-slate-900">Webhook event</h2>
        <button type="button" className={secondaryButtonClass} onClick={() => dialog.current?.close()}>Close</button>
      </div>
      <div className="space-y-6 px-5 py-5 text-sm">
        {detail.isPending ? <p role="status" className="text-slate-500">Loading the event…</p> : null}
        {detail.isError ? <p role="alert" className="text-rose-800">Could not load the event: {detail.error.message}</p> : null}
        {event ? (
          <>
            <section className="flex flex-wrap items-center gap-2" data-testid="event-status">
              <StatusBadge status={event.status} />
              <span className="text-slate-700">{event.error ?? event.action ?? "Waiting to be processed"}</span>
            </section>

            {event.replayable ? (
              <section className="space-y-2 rounded-lg bg-amber-50 p-3 ring-1 ring-amber-200">
                <p className="text-amber-900">
                  {event.status === "FAILED"
                    ? "This delivery failed after every retry. Fix the cause (for example a storefront that was down), then replay it: the stock change is applied once, and only storefronts not yet updated are pushed again."
                    : "This delivery changed nothing (no matching product). If you have since linked the product, replay it."}
                </p>
                <button type="button" className={buttonClass} disabled={!canReplay || replay.isPending} onClick={() => replay.mutate({ ids: [event.id] })}>
                  {replay.isPending ? "Replaying…" : "Replay event"}
                </button>
                {!canReplay ? <p className="text-xs text-slate-600">Viewers cannot replay events.</p> : null}
              </section>
            ) : null}
            {replay.isSuccess ? <ReplayStatus deferred={replay.data.deferred.length > 0} event={event} /> : null}
            {replay.error ? <p role="alert" className="text-rose-800">{replay.error.message}</p> : null}

            <section>
              <h3 className="mb-2 font-semibold text-slate-900">Storefront updates</h3>
              {event.pushes.length ? (
                <div data-testid="event-pushes">
                  <PushLines deliveries={event.pushes} maxAttempts={event.maxPushAttempts} />
                  <p className="mt-1 text-xs text-slate-500">
                    {event.pushes.filter((push) => push.pushedAt).map((push) => `${push.connection.name} qty ${push.quantity}, ${statusWords(push.status)}, +${between(event.receivedAt, push.pushedAt)}`).join(" · ")}
                  </p>
                </div>
              ) : (
                <p className="text-slate-500">No storefront was updated by this event.</p>
              )}
            </section>

            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2">
              <dt className="text-slate-500">Connection</dt>
              <dd>{event.connection.name} ({PROVIDER_LABELS[event.connection.provider]})</dd>
              <dt className="text-slate-500">Topic</dt>
              <dd className="font-mono text-xs">{event.topic ?? "—"}</dd>
              <dt className="text-slate-500">Event id</dt>
              <dd className="font-mono text-xs break-all">{event.id}</dd>
              <dt className="text-slate-500">Delivery id</dt>
              <dd className="font-mono text-xs break-all">{event.deliveryId ?? "—"}</dd>
              <dt className="text-slate-500">External ids</dt>
              <dd className="font-mono text-xs">{event.externalIds.join(", ") || "—"}</dd>
              <dt className="text-slate-500">Signature</dt>
              <dd className="flex flex-wrap items-center gap-2">
                <StatusBadge status={event.signatureVerdict} />
                {event.matchedSecret ? <span>matched “{event.matchedSecret.label}” ending …{event.matchedSecret.last4} (key {event.matchedSecret.keyId})</span> : null}
              </dd>
              <dt className="text-slate-500">Answered</dt>
              <dd>HTTP {event.responseStatus}</dd>
              <dt className="text-slate-500">Payload hash</dt>
              <dd className="font-mono text-xs break-all">sha256:{event.payloadHash}</dd>
              <dt className="text-slate-500">Attempts</dt>
              <dd>{event.attempts}</dd>
              {event.item ? (
                <>
                  <dt className="text-slate-500">Item</dt>
                  <dd>
                    <Link className="text-brand-700 underline" href={`/t/${slug}/items/${event.item.id}`}>{event.item.sku}</Link> — {event.item.title}, now <StatusBadge status={event.item.status} /> ({event.item.quantity})
                  </dd>
                </>
              ) : null}
            </dl>

            <section>
              <h3 className="mb-2 font-semibold text-slate-900">Timings</h3>
              <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
                <dt className="text-slate-500">Received</dt>
                <dd>{formatDateTime(event.receivedAt)}</dd>
                <dt className="text-slate-500">Picked up</dt>
                <dd>{event.sentAt ? `+${between(event.receivedAt, event.sentAt)}` : "—"}</dd>
                <dt className="text-slate-500">Applied</dt>
                <dd>{event.appliedAt ? `+${between(event.receivedAt, event.appliedAt)}` : "—"}</dd>
                <dt className="text-slate-500">Completed</dt>
                <dd>{event.completedAt ? `+${between(event.receivedAt, event.completedAt)}` : "—"}</dd>
              </dl>
            </section>

            <section data-testid="event-run">
              <h3 className="mb-2 font-semibold text-slate-900">Pipeline run (Inngest)</h3>
              {run.isPending ? <p className="text-slate-500">Asking the Inngest server…</p> : null}
              {run.data?.found ? (
                <p className="flex flex-wrap items-center gap-2">
                  <StatusBadge status={run.data.status.toUpperCase()} />
                  <span className="font-mono text-xs">{run.data.runId}</span>
                  {run.data.startedAt && run.data.endedAt ? <span className="text-slate-500">took {between(new Date(run.data.startedAt), new Date(run.data.endedAt))}</span> : null}
                </p>
              ) : null}
              {run.data && !run.data.found ? (
                <p className="text-slate-500">
                  {run.data.runId ? <span className="mr-2 font-mono text-xs">{run.data.runId}</span> : null}
                  {run.data.reason}
                </p>
              ) : null}
              {run.data?.url ? <a className="text-brand-700 underline" href={run.data.url} target="_blank" rel="noreferrer">Open the run in Inngest</a> : null}
            </section>

            <section>
              <h3 className="mb-2 font-semibold text-slate-900">Stock change</h3>
              {event.changes.length ? (
                <ul className="space-y-1" data-testid="event-changes">
                  {event.changes.map((change) => (
                    <li key={change.id}>
                      <span className="font-mono text-xs">{change.item.sku}</span>: {change.quantityBefore} → {change.quantityAfter}, {statusWords(change.statusBefore)} → {statusWords(change.statusAfter)}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-slate-500">No stock changed.</p>
              )}
            </section>

            <section>
              <h3 className="mb-2 font-semibold text-slate-900">Attempts</h3>
              {event.history.length ? (
                <ol className="space-y-1 text-xs" data-testid="event-attempts">
                  {event.history.map((attempt) => {
                    const channel = event.pushes.find((push) => push.id === attempt.channelPushId)?.connection.name;
                    return (
                      <li key={attempt.id} data-testid="attempt" data-outcome={attempt.outcome} className="flex flex-wrap gap-x-2">
                        <span className="text-slate-500">{formatDateTime(attempt.startedAt)}</span>
                        <span className="font-medium">{attempt.kind === "PUSH" ? `Push to ${channel ?? "storefront"}` : "Processing"} #{attempt.number}{attempt.replay ? " (replay)" : ""}</span>
                        <StatusBadge status={attempt.outcome} />
                        {attempt.detail ? <span className="text-slate-600">{attempt.detail}</span> : null}
                        {attempt.error ? <span className="w-full text-rose-800">{attempt.error}</span> : null}
                        {attempt.inngestRunId ? <span className="w-full font-mono text-[11px] text-slate-400">run {attempt.inngestRunId}</span> : null}
                      </li>
                    );
                  })}
                </ol>
              ) : (
                <p className="text-slate-500">No attempt recorded yet.</p>
              )}
            </section>

            <section>
              <h3 className="mb-2 font-semibold text-slate-900">Headers</h3>
              {Object.keys(event.headers).length ? (
                <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 font-mono text-xs">
                  {Object.entries(event.headers).map(([name, value]) => (
                    <div key={name} className="contents">
                      <dt className="text-slate-500">{name}</dt>
                      <dd className="break-all">{value}</dd>
                    </div>
                  ))}
                </dl>
              ) : (
                <p className="text-slate-500">None recorded.</p>
              )}
            </section>

            <section>
              <h3 className="mb-2 font-semibold text-slate-900">Payload</h3>
              {event.payload !== null ? (
                <pre className="max-h-80 overflow-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100">{JSON.stringify(event.payload, null, 2)}</pre>
              ) : (
                <p className="text-slate-500">Not stored: only deliveries that pass their signature check keep their payload.</p>
              )}
            </section>
          </>
        ) : null}
      </div>
    </dialog>
  );
}

type Detail = { status: string; pushes: { state: "PENDING" | "SUCCEEDED" | "FAILED"; attempts: number; runAttempt: number; nextAttemptAt: Date | null; error: string | null }[]; maxPushAttempts: number };

/** What the replay the viewer started is doing now: under way, done, or failed again. */
function ReplayStatus({ deferred, event }: { deferred: boolean; event: Detail }) {
  if (deferred) return <p role="status" className="text-emerald-800">Queued: it is sent as soon as the pipeline is reachable.</p>;
  const phases = event.pushes.map((push) => pushProgress(push, event.maxPushAttempts).phase);
  if (["QUEUED", "PROCESSING"].includes(event.status) || phases.some((phase) => phase === "queued" || phase === "sending")) return <p role="status" className="text-slate-700">Replay started…</p>;
  if (event.status === "FAILED") return <p role="status" className="text-rose-800">The replay failed too; see the attempts below.</p>;
  if (phases.some((phase) => phase === "retrying" || phase === "parked")) return <p role="status" className="text-amber-800">Replayed; a storefront is still being retried.</p>;
  return <p role="status" className="text-emerald-800">Replay finished.</p>;
}
