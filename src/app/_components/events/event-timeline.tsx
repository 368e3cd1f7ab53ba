"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { formatDateTime } from "@/app/_components/format";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import { DataTable, EmptyState, LoadMoreFooter, StatusBadge } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import { EventDrawer } from "./event-drawer";
import { EventFilters } from "./event-filters";
import { PushLines } from "./push-lines";
import { useEventFilters } from "./use-event-filters";

const LIVE_REFRESH_MS = 3000;

/**
 * The webhook event log: newest first, filtered and searched, refreshed live every 3 s, more
 * loaded on demand. A row opens the detail drawer (its id goes in the URL as ?event=).
 */
export function EventTimeline({
  connections,
  canReplay,
}: {
  connections: { id: string; name: string }[];
  canReplay: boolean;
}) {
  const trpc = useTRPC();
  const filters = useEventFilters();
  const { applied, rangeError, filtered } = filters;
  const events = useInfiniteQuery(
    trpc.event.list.infiniteQueryOptions(
      { filter: filters.filter },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: LIVE_REFRESH_MS, enabled: !rangeError },
    ),
  );
  const rows = events.data?.pages.flatMap((page) => page.events) ?? [];
  const refused = useQuery(
    trpc.event.rejected.queryOptions(
      { connectionId: applied.connectionId || undefined },
      { refetchInterval: LIVE_REFRESH_MS },
    ),
  );

  return (
    <div className="space-y-4">
      <EventFilters
        filters={filters}
        connections={connections}
        liveStatus={
          events.isFetching && !events.isFetchingNextPage
            ? "Refreshing…"
            : `Live: refreshed every ${LIVE_REFRESH_MS / 1000} s`
        }
      />

      {applied.undeliveredTo ? (
        <p
          role="status"
          className="rounded-lg bg-amber-50 px-4 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
          data-testid="undelivered-filter"
        >
          Showing deliveries not yet received by{" "}
          {connections.find((c) => c.id === applied.undeliveredTo)?.name ?? "this storefront"}.
        </p>
      ) : null}
      {rangeError ? (
        <p role="alert" className="text-sm text-rose-800">
          {rangeError}
        </p>
      ) : null}
      {refused.data && refused.data.last24h > 0 ? (
        <p className="text-sm text-slate-600" data-testid="refused-summary">
          {refused.data.last24h} request{refused.data.last24h === 1 ? "" : "s"} refused in the last 24 h (bad signature,
          too large, too slow or wrong type). They are counted, not stored: the timeline shows the first few of each
          kind per minute, at most {refused.data.keptPerConnection} per connection, as Rejected.
        </p>
      ) : null}
      {events.isPending && !rangeError ? (
        <p role="status" className="text-sm text-slate-500">
          Loading events…
        </p>
      ) : null}
      {events.isError ? (
        <p role="alert" className="text-sm text-rose-800">
          Could not load events: {events.error.message}
        </p>
      ) : null}
      {events.isSuccess && rows.length === 0 ? (
        <EmptyState title={filtered ? "No events match these filters" : "No webhooks received yet"}>
          {filtered
            ? "Widen the time range or clear a filter."
            : "Register each connection's webhook URL with its platform; deliveries show up here the moment they arrive, with what they changed."}
        </EmptyState>
      ) : null}
      {events.isSuccess && rows.length > 0 ? (
        <DataTable
          columns={["Received", "Connection", "Topic", "Status", "Signature", "Item", "What happened"]}
          footer={<LoadMoreFooter query={events} label="Load older events" />}
        >
          {rows.map((event) => (
            <tr key={event.id} data-testid="event-row" data-status={event.status} className="hover:bg-slate-50">
              <td className="px-4 py-3 whitespace-nowrap">
                <button
                  type="button"
                  className="text-left font-medium text-brand-700 underline-offset-2 hover:underline focus:underline"
                  onClick={() => filters.openEvent(event.id)}
                  aria-label={`Open event received ${formatDateTime(event.receivedAt)}`}
                >
                  {formatDateTime(event.receivedAt)}
                </button>
              </td>
              <td className="px-4 py-3">
                {event.connection.name}{" "}
                <span className="text-xs text-slate-500">({PROVIDER_LABELS[event.provider]})</span>
              </td>
              <td className="px-4 py-3 font-mono text-xs">{event.topic ?? "—"}</td>
              <td className="px-4 py-3">
                <StatusBadge status={event.status} />
                <PushLines
                  deliveries={event.deliveries}
                  maxAttempts={events.data?.pages[0]?.maxPushAttempts ?? 7}
                  compact
                />
              </td>
              <td className="px-4 py-3">
                <StatusBadge status={event.signatureVerdict} />
              </td>
              <td className="px-4 py-3 font-mono text-xs whitespace-nowrap">
                {event.sku ?? (event.externalIds.join(", ") || "—")}
              </td>
              <td className="px-4 py-3 text-slate-600">{event.error ?? event.action ?? "—"}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {filters.openEventId ? (
        <EventDrawer eventId={filters.openEventId} canReplay={canReplay} onClose={filters.closeEvent} />
      ) : null}
    </div>
  );
}
