"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { inferRouterOutputs } from "@trpc/server";
import { formatDuration, formatRelative } from "@/app/_components/format";
import { connectionHealthLabel } from "@/app/_components/connections/health-label";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import { Card, EmptyState, Stat, StatusBadge } from "@/app/_components/ui";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "@/trpc/react";
import { EventsChart } from "./events-chart";

type Summary = inferRouterOutputs<AppRouter>["overview"]["summary"];

/** The overview, refreshed every 10 seconds from the server-rendered first answer. */
export function OverviewDashboard({ slug, initial }: { slug: string; initial: Summary }) {
  const trpc = useTRPC();
  const { data } = useQuery(
    trpc.overview.summary.queryOptions(undefined, { initialData: initial, refetchInterval: 10_000 }),
  );
  const summary = data ?? initial;
  const count = (record: Partial<Record<string, number>>) =>
    Object.values(record).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  const totalItems = count(summary.items);
  const events24h = count(summary.events24h);
  const failed24h = (summary.events24h.FAILED ?? 0) + (summary.events24h.REJECTED ?? 0);
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
          hint={`${summary.items.AVAILABLE ?? 0} available · ${summary.items.SOLD ?? 0} sold`}
        />
        <Stat label="Sold today" value={summary.soldToday} hint="since 00:00 UTC" />
        <Stat label="Webhooks, 24 h" value={events24h} />
        <Stat label="Failed or rejected, 24 h" value={failed24h} />
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
      <Card title="Webhooks per hour">
        <EventsChart hours={summary.hourly} />
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
