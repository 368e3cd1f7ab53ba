"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { SyncRunStatus } from "@/app/_components/sync-runs/sync-run-status";
import { useState } from "react";
import { formatDateTime, formatDuration } from "@/app/_components/format";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import {
  buttonClass,
  Card,
  DataTable,
  EmptyState,
  secondaryButtonClass,
  Stat,
  StatusBadge,
} from "@/app/_components/ui";
import { pushProgress } from "@/shared/push-progress";
import { useTRPC } from "@/trpc/react";

const REFRESH_MS = 3000;
const hoursOf = (ms: number) => Math.round(ms / 3_600_000);

/**
 * The pipeline as the database sees it, refreshed every 3 s: counts per connection, the oldest
 * delivery still waiting, throughput, retries under way, failed deliveries (replayable one by one
 * or in bulk) and reconciles running.
 */
export function QueueDashboard({ slug, canReplay }: { slug: string; canReplay: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stats = useQuery(trpc.event.queue.queryOptions(undefined, { refetchInterval: REFRESH_MS }));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.event.pathKey() });
  const replay = useMutation(
    trpc.event.replay.mutationOptions({
      onSuccess: () => {
        setSelected(new Set());
        refresh();
      },
    }),
  );
  const replayAll = useMutation(trpc.event.replayFailed.mutationOptions({ onSuccess: refresh }));

  if (stats.isPending)
    return (
      <p role="status" className="text-sm text-slate-500">
        Loading the queue…
      </p>
    );
  if (stats.isError)
    return (
      <p role="alert" className="text-sm text-rose-800">
        Could not load the queue: {stats.error.message}
      </p>
    );
  const data = stats.data;
  const busiest = Math.max(0, ...data.throughput.perMinute.map((minute) => minute.completed));
  const peak = Math.max(1, busiest);
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const result = replay.data ?? replayAll.data;

  return (
    <div className="space-y-6">
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-5" data-testid="queue-totals">
        <Stat
          label="Pending"
          value={data.overall.pending}
          hint={
            data.oldestPendingAgeMs === null
              ? "nothing waiting"
              : `oldest waiting ${formatDuration(data.oldestPendingAgeMs)}`
          }
        />
        <Stat
          label="Processing"
          value={data.overall.processing}
          hint={`${data.retriesInFlight.events} event retries, ${data.retriesInFlight.pushes} storefront retries in flight`}
        />
        <Stat
          label={`Completed, last ${hoursOf(data.windows.totalsMs)} h`}
          value={data.overall.completed}
          hint={`${data.throughput.total} in the last ${data.windows.throughputMinutes} min · ${data.throughput.ratePerMinute} per minute over the last ${data.windows.rateMinutes} min`}
        />
        <Stat
          label="Failed"
          value={data.overall.failed}
          hint={data.overall.failed ? "replay them below once fixed" : "none"}
        />
        <Stat
          label={`Refused, last ${hoursOf(data.windows.totalsMs)} h`}
          value={data.rejected24h}
          hint="bad signature, too large, too slow or wrong type: counted, not queued"
        />
      </dl>

      <Card title="Per connection">
        <DataTable
          cards={{ first: 0 }}
          columns={[
            "Connection",
            { label: "Pending", align: "right" },
            { label: "Processing", align: "right" },
            { label: `Completed, last ${hoursOf(data.windows.totalsMs)} h`, align: "right" },
            { label: "Failed", align: "right" },
            { label: `Refused, last ${hoursOf(data.windows.totalsMs)} h`, align: "right" },
          ]}
        >
          {data.connections.map((connection) => (
            <tr key={connection.id}>
              <td className="px-4 py-3">
                <Link
                  className="text-brand-700 underline-offset-2 hover:underline"
                  href={`/t/${slug}/events?connection=${connection.id}`}
                >
                  {connection.name}
                </Link>{" "}
                <span className="text-xs text-slate-500">
                  ({PROVIDER_LABELS[connection.provider]}, {connection.direction === "SOURCE" ? "source" : "storefront"}
                  )
                </span>
              </td>
              <td className="px-4 py-3 text-right tabular-nums">{connection.counts.pending}</td>
              <td className="px-4 py-3 text-right tabular-nums">{connection.counts.processing}</td>
              <td className="px-4 py-3 text-right tabular-nums">{connection.counts.completed}</td>
              <td className="px-4 py-3 text-right tabular-nums">{connection.counts.failed}</td>
              <td className="px-4 py-3 text-right tabular-nums">{connection.rejected24h}</td>
            </tr>
          ))}
        </DataTable>
      </Card>

      <Card title={`Storefront retries in flight (${data.retriesInFlight.pushes})`}>
        {data.pushRetries.length ? (
          <DataTable cards={{ first: 2 }} columns={["Item", "Storefront", "Where it stands", "Last error"]}>
            {data.pushRetries.map((push) => (
              <tr key={push.id} data-testid="push-retry-row">
                <td className="px-4 py-3 font-mono text-xs">
                  {push.webhookEventId ? (
                    <Link className="text-brand-700 underline" href={`/t/${slug}/events?event=${push.webhookEventId}`}>
                      {push.sku ?? push.itemId}
                    </Link>
                  ) : (
                    (push.sku ?? push.itemId)
                  )}
                </td>
                <td className="px-4 py-3">{push.connection.name}</td>
                <td className="px-4 py-3">
                  <StatusBadge status={pushProgress(push, data.maxPushAttempts).label} tone="amber" />
                </td>
                <td className="px-4 py-3 text-rose-800">{push.error}</td>
              </tr>
            ))}
          </DataTable>
        ) : (
          <p className="text-sm text-slate-500">Every storefront is taking updates.</p>
        )}
      </Card>

      <Card title={`Completed per minute, last ${data.windows.throughputMinutes} min`}>
        <div className="flex h-24 items-end gap-1" aria-hidden="true">
          {data.throughput.perMinute.map((minute) => (
            <div
              key={minute.minute.toISOString()}
              className="flex-1 rounded-t bg-brand-500"
              style={{ height: `${(minute.completed / peak) * 100}%`, minHeight: minute.completed ? 2 : 0 }}
              title={`${minute.completed} at ${formatDateTime(minute.minute)}`}
            />
          ))}
        </div>
        <p className="mt-2 text-sm text-slate-600">
          <span data-testid="throughput-total">{data.throughput.total}</span> completed in the last{" "}
          {data.windows.throughputMinutes} min; busiest minute {busiest}.
        </p>
      </Card>

      <Card title="Reconciles running">
        {data.runs.length ? (
          <ul className="space-y-2 text-sm">
            {data.runs.map((run) => (
              <li key={run.id} className="flex flex-wrap items-center gap-2">
                <SyncRunStatus run={run} />
                <Link className="text-brand-700 underline" href={`/t/${slug}/sync-runs/${run.id}`}>
                  {run.connection.name}
                </Link>
                <span className="text-slate-600">
                  {run.mode.toLowerCase()}, {run.trigger.toLowerCase()}: {run.pages} pages, {run.itemsScanned} scanned,{" "}
                  {run.itemsChanged} changed, running {formatDuration(stats.dataUpdatedAt - run.startedAt.getTime())}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-500">No reconcile is running.</p>
        )}
      </Card>

      <Card title={`Failed deliveries (${data.failedTotal})`}>
        {data.deadLettered.length === 0 ? (
          <EmptyState title="Nothing failed">
            Deliveries that fail after every retry land here, with the reason, ready to replay.
          </EmptyState>
        ) : (
          <div className="space-y-3">
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                className={buttonClass}
                disabled={!canReplay || selected.size === 0 || replay.isPending}
                onClick={() => replay.mutate({ ids: [...selected] })}
              >
                Replay selected ({selected.size})
              </button>
              <button
                type="button"
                className={secondaryButtonClass}
                disabled={!canReplay || replayAll.isPending}
                onClick={() => replayAll.mutate({})}
              >
                Replay all failed
              </button>
              {!canReplay ? <p className="self-center text-xs text-slate-600">Viewers cannot replay events.</p> : null}
            </div>
            {result ? (
              <p role="status" className="text-sm text-emerald-800">
                {result.replayed.length} replayed
                {result.deferred.length ? `, ${result.deferred.length} queued until the pipeline is reachable` : ""}
                {result.refused.length ? `, ${result.refused.length} refused` : ""}.
              </p>
            ) : null}
            {replay.error || replayAll.error ? (
              <p role="alert" className="text-sm text-rose-800">
                {(replay.error ?? replayAll.error)?.message}
              </p>
            ) : null}
            <DataTable
              cards={{ first: 5 }}
              columns={["", "Received", "Connection", "External ids", { label: "Attempts", align: "right" }, "Error"]}
            >
              {data.deadLettered.map((event) => (
                <tr key={event.id} data-testid="dead-letter-row">
                  <td className="px-4 py-3">
                    <input
                      type="checkbox"
                      aria-label={`Select the event received ${formatDateTime(event.receivedAt)}`}
                      checked={selected.has(event.id)}
                      disabled={!canReplay}
                      onChange={() => toggle(event.id)}
                    />
                  </td>
                  <td className="px-4 py-3 whitespace-nowrap">
                    <Link className="text-brand-700 underline" href={`/t/${slug}/events?event=${event.id}`}>
                      {formatDateTime(event.receivedAt)}
                    </Link>
                  </td>
                  <td className="px-4 py-3">
                    {event.failedPushes.length
                      ? `${event.failedPushes.map((push) => push.connection.name).join(", ")} (storefront; from ${event.connection.name})`
                      : event.connection.name}
                  </td>
                  <td className="px-4 py-3 font-mono text-xs">{event.externalIds.join(", ") || "—"}</td>
                  <td className="px-4 py-3 text-right tabular-nums">
                    {event.failedPushes.length
                      ? Math.max(...event.failedPushes.map((push) => push.attempts))
                      : event.attempts}
                  </td>
                  <td className="px-4 py-3 text-rose-800">{event.error ?? "—"}</td>
                </tr>
              ))}
            </DataTable>
          </div>
        )}
      </Card>
    </div>
  );
}
