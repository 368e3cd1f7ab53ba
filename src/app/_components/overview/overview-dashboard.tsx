"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import { formatDuration, formatRelative } from "@/app/_components/format";
import { connectionHealthLabel } from "@/app/_components/connections/health-label";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import { Card, EmptyState, Stat, StatusBadge } from "@/app/_components/ui";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "@/trpc/react";
import { ACTIVITY_RANGE_KEYS, ACTIVITY_RANGES, type ActivityRange } from "@/shared/activity-ranges";
import { EventsChart } from "./events-chart";
import { toLocalInput, useHydrated } from "./local-time";

type Summary = inferRouterOutputs<AppRouter>["overview"]["summary"];

/** The overview, refreshed every 10 seconds from the server-rendered first answer. */
export function OverviewDashboard({ slug, initial }: { slug: string; initial: Summary }) {
  const trpc = useTRPC();
  const [range, setRange] = useState<ActivityRange>("24h");
  const local = useHydrated();
  const { data } = useQuery(
    trpc.overview.summary.queryOptions(
      { range },
      {
        initialData: range === "24h" ? initial : undefined,
        placeholderData: keepPreviousData,
        refetchInterval: 10_000,
      },
    ),
  );
  const summary = data ?? initial;
  const count = (record: Partial<Record<string, number>>) =>
    Object.values(record).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  const totalItems = count(summary.items);
  const eventsInRange = count(summary.events);
  const failedInRange = (summary.events.FAILED ?? 0) + (summary.events.REJECTED ?? 0);
  const rangeLabel = ACTIVITY_RANGES[summary.range].label;
  // The Events page's From field is in the viewer's zone, known once hydrated.
  const eventsLink = (params: Record<string, string>) =>
    `/t/${slug}/events?${new URLSearchParams({ ...params, ...(local ? { from: toLocalInput(summary.rangeFrom) } : {}) }).toString()}`;
  const chartTitle = { "1h": "Webhooks per 5 minutes", "24h": "Webhooks per hour", "7d": "Webhooks per 6 hours" }[
    summary.range
  ];
  return (
    <div className="space-y-6">
      {summary.alerts.length > 0 ? (
        <section aria-labelledby="alerts-heading" className="space-y-2">
          <h2 id="alerts-heading" className="text-sm font-semibold text-slate-900">
            Needs attention ({summary.alerts.length})
          </h2>
          <ul className="space-y-2">
            {summary.alerts.map((alert) => (
              <li
                key={`${alert.connectionId}-${alert.title}`}
                data-testid="overview-alert"
                className={`rounded-lg px-4 py-3 text-sm ring-1 ${alert.severity === "critical" ? "bg-rose-50 text-rose-900 ring-rose-200" : "bg-amber-50 text-amber-900 ring-amber-200"}`}
              >
                <p className="font-medium">
                  <span className="mr-2 text-xs tracking-wide uppercase">
                    {alert.severity === "critical" ? "Critical" : "Warning"}
                  </span>
                  {alert.title}
                </p>
                <p className="mt-1">
                  {alert.action}{" "}
                  <Link
                    href={`/t/${slug}${alert.link?.path ?? `/connections/${alert.connectionId}`}`}
                    className="font-medium underline"
                  >
                    {alert.link?.label ?? "Open connection"}
                  </Link>
                </p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Stat
          label="Items"
          value={totalItems}
          href={`/t/${slug}/items`}
          hint={`${summary.items.AVAILABLE ?? 0} available · ${summary.items.SOLD ?? 0} sold`}
        />
        <Stat label="Sold today" value={summary.soldToday} hint="since 00:00 UTC" />
        <Stat label={`Webhooks, ${rangeLabel}`} value={eventsInRange} href={eventsLink({})} />
        <Stat
          label={`Failed or rejected, ${rangeLabel}`}
          value={failedInRange}
          href={eventsLink({ status: "FAILED" })}
          hint={summary.events.REJECTED ? `${summary.events.REJECTED} rejected at the door` : undefined}
        />
        <Stat
          label="Webhook → storefront, 24 h"
          value={summary.latency.p50Ms === null ? "—" : `${formatDuration(summary.latency.p50Ms)}`}
          hint={
            summary.latency.samples
              ? `p50; p95 ${formatDuration(summary.latency.p95Ms)} over ${summary.latency.samples} changes`
              : "no storefront updates yet"
          }
        />
      </dl>
      <Card
        title={chartTitle}
        actions={
          <div role="group" aria-label="Time range" className="inline-flex rounded-lg ring-1 ring-slate-300">
            {ACTIVITY_RANGE_KEYS.map((key) => (
              <button
                key={key}
                type="button"
                aria-pressed={range === key}
                onClick={() => setRange(key)}
                className={`px-3 py-1 text-xs font-medium first:rounded-l-lg last:rounded-r-lg ${range === key ? "bg-brand-600 text-white" : "text-slate-700 hover:bg-slate-50"}`}
              >
                {ACTIVITY_RANGES[key].label}
              </button>
            ))}
          </div>
        }
      >
        <EventsChart slug={slug} range={summary.range} buckets={summary.activity} />
      </Card>
      <Card title="Connections">
        {summary.connections.length === 0 ? (
          <EmptyState title="No connections yet">
            Connect the system where stock really changes (SAM, Business Central…) as a source, and your storefronts as
            channels.{" "}
            <Link href={`/t/${slug}/connections/new`} className="font-medium text-brand-700 underline">
              Add a connection
            </Link>
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {summary.connections.map((connection) => {
              const circuit = connectionHealthLabel(connection);
              // A storefront's failures are its failed push attempts, each retry counted.
              const failures =
                connection.health.failedEvents24h +
                (connection.direction === "CHANNEL"
                  ? connection.health.failedPushAttempts24h
                  : connection.health.failedPushes24h);
              return (
                <li
                  key={connection.id}
                  className="flex flex-wrap items-center justify-between gap-2 py-3"
                  data-testid="overview-connection"
                  data-name={connection.name}
                >
                  <div>
                    <Link
                      href={`/t/${slug}/connections/${connection.id}`}
                      className="font-medium text-slate-900 hover:underline"
                    >
                      {connection.name}
                    </Link>
                    <p className="text-xs text-slate-500">
                      {PROVIDER_LABELS[connection.provider]} ·{" "}
                      {connection.direction === "SOURCE" ? "source" : "channel"} · last webhook{" "}
                      {formatRelative(connection.lastWebhookAt)} · last good sync{" "}
                      {connection.health.syncRunning
                        ? "running now"
                        : formatRelative(connection.health.lastSuccessfulSyncAt)}{" "}
                      · {failures} failure{failures === 1 ? "" : "s"} in 24 h
                    </p>
                  </div>
                  <div className="flex items-center gap-2">
                    <StatusBadge status={circuit.status} tone={circuit.tone} />
                    <StatusBadge status={connection.status} />
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Card>
    </div>
  );
}
