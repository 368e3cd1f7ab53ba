"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatExact } from "@/app/_components/format";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import { DataTable, EmptyState, LoadMoreFooter, StatusBadge } from "@/app/_components/ui";
import { RelativeTime } from "@/app/_components/relative-time";
import { useTRPC } from "@/trpc/react";
import { BulkReplayBar, replayable } from "./bulk-replay";
import { EventDrawer } from "./event-drawer";
import { EventFilters } from "./event-filters";
import { PushLines } from "./push-lines";
import { useEventFilters } from "./use-event-filters";

const LIVE_REFRESH_MS = 3000;

/** "Gallery (SAM)"; a name that already says its platform is not told twice. */
export function connectionLabel(name: string, provider: keyof typeof PROVIDER_LABELS): string {
  const platform = PROVIDER_LABELS[provider];
  return name.toLowerCase().includes(platform.toLowerCase()) ? name : `${name} (${platform})`;
}

/**
 * The webhook event log: newest first, filtered and searched, refreshed live every 3 s, more
 * loaded on demand. A row (click, or Enter when focused) opens the detail drawer (its id goes in the
 * URL as ?event=); ticked failed or skipped rows are replayed together.
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
  const openIndex = rows.findIndex((row) => row.id === filters.openEventId);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
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
      <BulkReplayBar
        selected={[...selected]}
        canReplay={canReplay}
        onDone={() => setSelected(new Set())}
        onClear={() => setSelected(new Set())}
      />
      {events.isSuccess && rows.length > 0 ? (
        <DataTable
          columns={["", "Received", "Connection", "Topic", "Status", "Signature", "Item", "Stores", "What happened"]}
          // On a phone each event is a card that leads with its status; the signature verdict follows in the card.
          cards={{ first: 4 }}
          footer={<LoadMoreFooter query={events} label="Load older events" />}
        >
          {rows.map((event) => (
            <tr
              key={event.id}
              data-testid="event-row"
              data-status={event.status}
              tabIndex={0}
              aria-label={`Event received ${formatExact(event.receivedAt)}: ${event.status.toLowerCase()}`}
              aria-current={filters.openEventId === event.id ? "true" : undefined}
              className="cursor-pointer hover:bg-slate-50 focus:bg-brand-50 aria-[current]:bg-brand-50"
              // The whole row opens the drawer; the checkbox and links inside keep their own clicks.
              onClick={(e) => {
                if ((e.target as HTMLElement).closest("input, a, button")) return;
                filters.openEvent(event.id);
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter" && e.target === e.currentTarget) filters.openEvent(event.id);
              }}
            >
              <td className="px-4 py-3">
                {replayable(event) ? (
                  <input
                    type="checkbox"
                    aria-label="Select for replay"
                    checked={selected.has(event.id)}
                    onChange={(e) => toggle(event.id, e.target.checked)}
                  />
                ) : null}
              </td>
              <td className="px-4 py-3 font-medium whitespace-nowrap text-brand-700">
                <RelativeTime value={event.receivedAt} />
              </td>
              <td className="px-4 py-3">{connectionLabel(event.connection.name, event.provider)}</td>
              <td className="px-4 py-3 font-mono text-xs">{event.topic ?? "—"}</td>
              <td className="px-4 py-3">
                <StatusBadge status={event.status} />
              </td>
              <td className="px-4 py-3">
                <StatusBadge status={event.signatureVerdict} />
              </td>
              <td className="px-4 py-3 font-mono text-xs whitespace-nowrap" data-testid="event-item">
                {event.sku ?? (event.externalIds.join(", ") || "—")}
              </td>
              <td className="px-4 py-3" data-testid="event-stores">
                {event.deliveries.length ? (
                  <PushLines
                    deliveries={event.deliveries}
                    maxAttempts={events.data?.pages[0]?.maxPushAttempts ?? 7}
                    compact
                  />
                ) : (
                  <span className="text-slate-500">—</span>
                )}
              </td>
              <td className="px-4 py-3 text-slate-600">{event.error ?? event.action ?? "—"}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {filters.openEventId ? (
        <EventDrawer
          eventId={filters.openEventId}
          canReplay={canReplay}
          onClose={filters.closeEvent}
          newerId={rows[openIndex - 1]?.id}
          olderId={openIndex >= 0 ? rows[openIndex + 1]?.id : undefined}
          onNavigate={filters.openEvent}
        />
      ) : null}
    </div>
  );
}
