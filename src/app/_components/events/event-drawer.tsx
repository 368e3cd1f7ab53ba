"use client";

import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { useEffect, useRef } from "react";
import { secondaryButtonClass } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import { EventPayload } from "./drawer/payload";
import { EventAttempts, EventChanges, EventPushes } from "./drawer/pushes";
import { EventReplay } from "./drawer/replay";
import { EventFacts, EventPipelineRun, EventStatusLine } from "./drawer/summary";

/**
 * One event in full, in a modal side panel (native <dialog>: focus moves in, Escape closes):
 * headers, payload hash, signature verdict and the secret that matched, attempts and timings,
 * the stock change it caused, the storefront pushes, and the request of accepted deliveries as sent
 * (copyable as a signed curl command). Failed and skipped deliveries can be replayed; both need MEMBER and up.
 */
export function EventDrawer({
  eventId,
  canReplay,
  onClose,
  newerId,
  olderId,
  onNavigate,
}: {
  eventId: string;
  canReplay: boolean;
  onClose: () => void;
  /** The neighbours in the list the drawer was opened from (newest first). */
  newerId?: string;
  olderId?: string;
  onNavigate?: (eventId: string) => void;
}) {
  const trpc = useTRPC();
  const { slug } = useParams<{ slug: string }>();
  const dialog = useRef<HTMLDialogElement>(null);
  // Live while the event is in the pipeline or any storefront push is still under way.
  const detail = useQuery(
    trpc.event.byId.queryOptions(
      { id: eventId },
      {
        refetchInterval: (query) =>
          ["QUEUED", "PROCESSING"].includes(query.state.data?.status ?? "") ||
          query.state.data?.pushes.some((push) => push.state === "PENDING")
            ? 1000
            : false,
      },
    ),
  );
  const run = useQuery(
    trpc.event.inngestRun.queryOptions(
      { id: eventId },
      {
        enabled: detail.isSuccess,
        refetchInterval: (query) => (query.state.data?.found && !query.state.data.endedAt ? 2000 : false),
      },
    ),
  );

  // Per event, not once: a row clicked right after Escape (before the URL lost ?event=) keeps this
  // component mounted with its dialog closed, and must open it again.
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, [eventId]);

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
        <h2 id="event-drawer-title" className="text-lg font-semibold text-slate-900">
          Webhook event
        </h2>
        <div className="flex gap-2">
          {onNavigate ? (
            <>
              <button
                type="button"
                className={secondaryButtonClass}
                disabled={!newerId}
                onClick={() => newerId && onNavigate(newerId)}
              >
                Newer
              </button>
              <button
                type="button"
                className={secondaryButtonClass}
                disabled={!olderId}
                onClick={() => olderId && onNavigate(olderId)}
              >
                Older
              </button>
            </>
          ) : null}
          <button type="button" className={secondaryButtonClass} onClick={() => dialog.current?.close()}>
            Close
          </button>
        </div>
      </div>
      <div className="space-y-6 px-5 py-5 text-sm">
        {detail.isPending ? (
          <p role="status" className="text-slate-500">
            Loading the event…
          </p>
        ) : null}
        {detail.isError ? (
          <p role="alert" className="text-rose-800">
            Could not load the event: {detail.error.message}
          </p>
        ) : null}
        {event ? (
          <>
            <EventStatusLine event={event} />
            <EventReplay event={event} canReplay={canReplay} />
            <EventPushes event={event} />
            <EventFacts event={event} slug={slug} />
            <EventPipelineRun run={run.data} isPending={run.isPending} />
            <EventChanges event={event} />
            <EventAttempts event={event} />
            <EventPayload event={event} canCopySigned={canReplay} />
          </>
        ) : null}
      </div>
    </dialog>
  );
}
