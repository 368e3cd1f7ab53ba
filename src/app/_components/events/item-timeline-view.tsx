"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import type { inferRouterOutputs } from "@trpc/server";
import { formatDateTime, statusWords } from "@/app/_components/format";
import { Card, StatusBadge } from "@/app/_components/ui";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "@/trpc/react";

type Timeline = inferRouterOutputs<AppRouter>["event"]["itemTimeline"];

/**
 * The item's current state and every change to it, oldest first, refreshed every 5 s so a sale
 * shows up as it happens. `children` (the static facts) render between the two.
 */
export function ItemTimelineView({
  itemId,
  initial,
  children,
}: {
  itemId: string;
  initial: Timeline;
  children?: React.ReactNode;
}) {
  const trpc = useTRPC();
  const { slug } = useParams<{ slug: string }>();
  const timeline = useQuery(
    trpc.event.itemTimeline.queryOptions({ itemId }, { initialData: initial, refetchInterval: 5000 }),
  );
  const { item, entries } = timeline.data;
  return (
    <>
      <Card title="Now" className="mb-4">
        <p className="flex items-center gap-2 text-sm" data-testid="item-now">
          <StatusBadge status={item.status} /> <span className="tabular-nums">{item.quantity} sellable</span>
          {item.oneOfAKind ? <span className="text-xs text-slate-500">one of a kind</span> : null}
          <span className="text-xs text-slate-500">version {item.version}</span>
        </p>
      </Card>
      {children}
      <section aria-labelledby="item-history">
        <h2 id="item-history" className="mb-3 text-lg font-semibold text-slate-900">
          History
        </h2>
        {timeline.data.truncated ? (
          <p className="mb-2 text-xs text-slate-500">Showing the latest 500 of each kind.</p>
        ) : null}
        {entries.length === 0 ? <p className="text-sm text-slate-500">Nothing has happened to this item yet.</p> : null}
        <ol className="space-y-2 border-l-2 border-slate-200 pl-4" data-testid="item-timeline">
          {entries.map((entry) => (
            <li key={`${entry.kind}-${entry.id}`} className="text-sm" data-kind={entry.kind}>
              <time className="mr-2 text-xs text-slate-500" dateTime={entry.at.toISOString()}>
                {formatDateTime(entry.at)}
              </time>
              {entry.kind === "change" ? (
                <span>
                  <strong>
                    Stock {entry.quantityBefore} → {entry.quantityAfter}
                  </strong>
                  , {statusWords(entry.statusBefore)} → {statusWords(entry.statusAfter)}{" "}
                  <span className="text-slate-500">
                    by {entry.source}
                    {entry.webhookEventId ? (
                      <>
                        {" "}
                        (
                        <Link
                          className="text-brand-700 underline"
                          href={`/t/${slug}/events?event=${entry.webhookEventId}`}
                        >
                          event
                        </Link>
                        )
                      </>
                    ) : null}
                    {entry.syncRunId ? (
                      <>
                        {" "}
                        (
                        <Link className="text-brand-700 underline" href={`/t/${slug}/sync-runs/${entry.syncRunId}`}>
                          sync run
                        </Link>
                        )
                      </>
                    ) : null}
                  </span>
                </span>
              ) : entry.kind === "event" ? (
                <span>
                  Webhook from {entry.connectionName} <StatusBadge status={entry.status} />{" "}
                  {entry.error ?? entry.action ?? ""}{" "}
                  <Link className="text-brand-700 underline" href={`/t/${slug}/events?event=${entry.id}`}>
                    details
                  </Link>
                </span>
              ) : entry.kind === "attempt" ? (
                <span>
                  {entry.attemptKind === "PUSH"
                    ? `Push to ${entry.channelName ?? "a storefront"}, attempt ${entry.number}`
                    : `Processing attempt ${entry.number}`}
                  {entry.replay ? " (replay)" : ""} <StatusBadge status={entry.outcome} />{" "}
                  {entry.webhookEventId ? (
                    <Link className="text-brand-700 underline" href={`/t/${slug}/events?event=${entry.webhookEventId}`}>
                      event
                    </Link>
                  ) : null}
                  {entry.error ? <span className="block text-rose-800">{entry.error}</span> : null}
                </span>
              ) : (
                <span>
                  Pushed to {entry.channelName}: qty {entry.quantity}, {statusWords(entry.status)}{" "}
                  <StatusBadge status={entry.state} />{" "}
                  <span className="text-slate-500">
                    {entry.attempts} attempt{entry.attempts === 1 ? "" : "s"}
                  </span>
                  {entry.error ? <span className="block text-rose-800">{entry.error}</span> : null}
                </span>
              )}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
