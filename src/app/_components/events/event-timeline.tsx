"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { formatDateTime, statusLabel } from "@/app/_components/format";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import { DataTable, EmptyState, inputClass, LoadMoreFooter, secondaryButtonClass, StatusBadge } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import { EventDrawer } from "./event-drawer";
import { PushLines } from "./push-lines";

const STATUSES = ["QUEUED", "PROCESSING", "APPLIED", "SKIPPED", "STALE", "DUPLICATE", "FAILED", "REJECTED"] as const;
const VERDICTS = ["VALID", "INVALID", "MISSING", "EXPIRED_TIMESTAMP", "UNKNOWN_KEY", "NOT_CHECKED", "NOT_REQUIRED"] as const;
type Status = (typeof STATUSES)[number];
type Verdict = (typeof VERDICTS)[number];
const LIVE_REFRESH_MS = 3000;


interface Filters {
  connectionId: string;
  status: string;
  topic: string;
  verdict: string;
  from: string;
  to: string;
  search: string;
  /** A storefront id: only deliveries it has not received (the Overview's outage banner links here). */
  undeliveredTo: string;
}

/** The form's values from the URL, so a filtered timeline can be bookmarked and shared. */
function filtersFrom(params: URLSearchParams): Filters {
  return {
    connectionId: params.get("connection") ?? "",
    status: params.get("status") ?? "",
    topic: params.get("topic") ?? "",
    verdict: params.get("verdict") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
    search: params.get("q") ?? "",
    undeliveredTo: params.get("channel") ?? "",
  };
}

/** datetime-local values are the viewer's local time; the server wants instants. */
const instant = (local: string) => (local ? new Date(local) : undefined);

/**
 * The webhook event log: newest first, filtered and searched, refreshed live every 3 s, more
 * loaded on demand. A row opens the detail drawer (its id goes in the URL as ?event=).
 */
export function EventTimeline({ connections, canReplay }: { connections: { id: string; name: string }[]; canReplay: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const applied = filtersFrom(params);
  const [draft, setDraft] = useState<Filters>(applied);
  const openEventId = params.get("event");

  const setParams = (next: Record<string, string>) => {
    const query = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value) query.set(key, value);
      else query.delete(key);
    }
    router.replace(`${pathname}${query.size ? `?${query}` : ""}`, { scroll: false });
  };
  const apply = (filters: Filters) =>
    setParams({ connection: filters.connectionId, status: filters.status, topic: filters.topic.trim(), verdict: filters.verdict, from: filters.from, to: filters.to, q: filters.search.trim(), channel: filters.undeliveredTo });

  const rangeError = applied.from && applied.to && new Date(applied.from) > new Date(applied.to) ? "The start of the time range must be before its end." : null;
  const events = useInfiniteQuery(
    trpc.event.list.infiniteQueryOptions(
      {
        filter: {
          connectionId: applied.connectionId || undefined,
          status: applied.status ? [applied.status as Status] : undefined,
          topic: applied.topic || undefined,
          verdict: (applied.verdict || undefined) as Verdict | undefined,
          from: instant(applied.from),
          to: instant(applied.to),
          search: applied.search || undefined,
          undeliveredTo: applied.undeliveredTo || undefined,
        },
      },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: LIVE_REFRESH_MS, enabled: !rangeError },
    ),
  );
  const rows = events.data?.pages.flatMap((page) => page.events) ?? [];
  const refused = useQuery(trpc.event.rejected.queryOptions({ connectionId: applied.connectionId || undefined }, { refetchInterval: LIVE_REFRESH_MS }));
  const filtered = Object.values(applied).some(Boolean);
  const field = (key: keyof Filters) => ({ value: draft[key], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }) });

  return (
    <div className="space-y-4">
      <form
        role="search"
        aria-label="Filter events"
        className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-4"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label className="text-sm font-medium text-slate-700 sm:col-span-2">
          Search
          <input className={`mt-1 ${inputClass}`} placeholder="SKU, external id, delivery id or event id" {...field("search")} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          Connection
          <select className={`mt-1 ${inputClass}`} {...field("connectionId")}>
            <option value="">All connections</option>
            {connections.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <label className="text-sm font-medium text-slate-700">
          Status
          <select className={`mt-1 ${inputClass}`} {...field("status")}>
            <option value="">Any status</option>
            {STATUSES.map((s) => <option key={s} value={s}>{statusLabel(s)}</option>)}
          </select>
        </label>
        <label className="text-sm font-medium text-slate-700">
          Topic
          <input className={`mt-1 ${inputClass}`} placeholder="e.g. products/update" {...field("topic")} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          Signature
          <select className={`mt-1 ${inputClass}`} {...field("verdict")}>
            <option value="">Any verdict</option>
            {VERDICTS.map((v) => <option key={v} value={v}>{statusLabel(v)}</option>)}
          </select>
        </label>
        <label className="text-sm font-medium text-slate-700">
          From
          <input type="datetime-local" className={`mt-1 ${inputClass}`} {...field("from")} />
        </label>
        <label className="text-sm font-medium text-slate-700">
          To
          <input type="datetime-local" className={`mt-1 ${inputClass}`} {...field("to")} />
        </label>
        <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-4">
          <button type="submit" className={secondaryButtonClass}>Apply filters</button>
          {filtered ? (
            <button
              type="button"
              className={secondaryButtonClass}
              onClick={() => {
                const cleared = filtersFrom(new URLSearchParams());
                setDraft(cleared);
                apply(cleared);
              }}
            >
              Clear
            </button>
          ) : null}
          <p className="ml-auto self-center text-xs text-slate-500" aria-live="polite">
            {events.isFetching && !events.isFetchingNextPage ? "Refreshing…" : `Live: refreshed every ${LIVE_REFRESH_MS / 1000} s`}
          </p>
        </div>
      </form>

      {applied.undeliveredTo ? (
        <p role="status" className="rounded-lg bg-amber-50 px-4 py-2 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="undelivered-filter">
          Showing deliveries not yet received by {connections.find((c) => c.id === applied.undeliveredTo)?.name ?? "this storefront"}.
        </p>
      ) : null}
      {rangeError ? <p role="alert" className="text-sm text-rose-800">{rangeError}</p> : null}
      {refused.data && refused.data.last24h > 0 ? (
        <p className="text-sm text-slate-600" data-testid="refused-summary">
          {refused.data.last24h} request{refused.data.last24h === 1 ? "" : "s"} refused in the last 24 h (bad signature, too large, too slow or wrong type). They are counted, not
          stored: the timeline shows the first few of each kind per minute, at most {refused.data.keptPerConnection} per connection, as Rejected.
        </p>
      ) : null}
      {events.isPending && !rangeError ? <p role="status" className="text-sm text-slate-500">Loading events…</p> : null}
      {events.isError ? <p role="alert" className="text-sm text-rose-800">Could not load events: {events.error.message}</p> : null}
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
                <button type="button" className="text-left font-medium text-brand-700 underline-offset-2 hover:underline focus:underline" onClick={() => setParams({ event: event.id })} aria-label={`Open event received ${formatDateTime(event.receivedAt)}`}>
                  {formatDateTime(event.receivedAt)}
                </button>
              </td>
              <td className="px-4 py-3">{event.connection.name} <span className="text-xs text-slate-500">({PROVIDER_LABELS[event.provider]})</span></td>
              <td className="px-4 py-3 font-mono text-xs">{event.topic ?? "—"}</td>
              <td className="px-4 py-3">
                <StatusBadge status={event.status} />
                <PushLines deliveries={event.deliveries} maxAttempts={events.data?.pages[0]?.maxPushAttempts ?? 7} compact />
              </td>
              <td className="px-4 py-3"><StatusBadge status={event.signatureVerdict} /></td>
              <td className="px-4 py-3 font-mono text-xs whitespace-nowrap">{event.sku ?? (event.externalIds.join(", ") || "—")}</td>
              <td className="px-4 py-3 text-slate-600">{event.error ?? event.action ?? "—"}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {openEventId ? <EventDrawer eventId={openEventId} canReplay={canReplay} onClose={() => setParams({ event: "" })} /> : null}
    </div>
  );
}
