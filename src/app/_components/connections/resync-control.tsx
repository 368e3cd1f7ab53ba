"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { SyncRunStatus } from "@/app/_components/sync-runs/sync-run-status";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { formatDuration } from "@/app/_components/format";
import { buttonClass } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";

/**
 * The Resync button and the run it started, live: pages, items scanned and changed, refreshed
 * every second while a run is under way (every 15 s otherwise) — no reload. Disabled while a run
 * is queued or running, here and on the server. When a run ends, the page's server-rendered header
 * (linked items, last good sync, failures) is fetched again, so it never shows the figures from
 * before the run.
 */
export function ResyncControl({
  slug,
  connectionId,
  canResync,
  isChannel,
}: {
  slug: string;
  connectionId: string;
  canResync: boolean;
  isChannel: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [requestedAt, setRequestedAt] = useState<Date | null>(null);
  const progress = useQuery(
    trpc.connection.syncProgress.queryOptions(
      { id: connectionId },
      {
        refetchInterval: (query) =>
          query.state.data?.running || waitingForStart(requestedAt, query.state.data?.latest?.startedAt)
            ? 1000
            : 15_000,
      },
    ),
  );
  const resync = useMutation(
    trpc.connection.resync.mutationOptions({
      onSuccess: (data) => {
        setRequestedAt(data.requestedAt);
        void progress.refetch();
      },
    }),
  );
  const latest = progress.data?.latest ?? null;
  // "none" (no run yet) is a state too: a first run that ends between two polls still refreshes the header.
  const runState = progress.isSuccess ? (latest ? `${latest.id}:${latest.status}` : "none") : undefined;
  const seenRunState = useRef(runState);
  useEffect(() => {
    if (seenRunState.current !== undefined && runState !== seenRunState.current) router.refresh();
    seenRunState.current = runState;
  }, [runState, router]);
  const starting = waitingForStart(requestedAt, latest?.startedAt);
  const running = Boolean(progress.data?.running) || starting;
  const expected = progress.data?.expectedItems ?? 0;
  const percent =
    latest && running && expected > 0 ? Math.min(99, Math.round((latest.itemsScanned / expected) * 100)) : null;
  const elapsed = latest ? (latest.finishedAt ?? new Date()).getTime() - latest.startedAt.getTime() : null;

  return (
    <div className="space-y-2">
      <button
        type="button"
        className={buttonClass}
        disabled={!canResync || running || resync.isPending}
        onClick={() => resync.mutate({ id: connectionId })}
      >
        {running
          ? starting
            ? "Starting…"
            : "Resync running…"
          : isChannel
            ? "Resync (check storefront)"
            : "Resync now"}
      </button>
      {resync.error ? (
        <p role="alert" className="text-sm text-rose-800">
          {resync.error.message}
        </p>
      ) : null}
      <div role="status" aria-live="polite" className="text-sm text-slate-700" data-testid="sync-progress">
        {starting ? <p>Waiting for the reconcile to start…</p> : null}
        {latest && !starting ? (
          <div className="space-y-1">
            <p className="flex flex-wrap items-center gap-2">
              <span>{running ? "Current run" : "Last run"}:</span>
              <SyncRunStatus run={latest} />
              <span>
                {latest.pages} page{latest.pages === 1 ? "" : "s"} · {latest.itemsScanned} scanned ·{" "}
                {latest.itemsChanged} changed · {latest.itemsCreated} new
                {latest.itemsVanished ? ` · ${latest.itemsVanished} vanished` : ""} · {formatDuration(elapsed)}
              </span>
            </p>
            {percent !== null ? (
              <div
                className="h-2 w-full max-w-xs overflow-hidden rounded-full bg-slate-200"
                role="progressbar"
                aria-label="Items scanned"
                aria-valuenow={percent}
                aria-valuemin={0}
                aria-valuemax={100}
              >
                <div className="h-full bg-brand-600 transition-all" style={{ width: `${percent}%` }} />
              </div>
            ) : null}
            {latest.lastError ? <p className="text-rose-800">Error: {latest.lastError}</p> : null}
            <Link className="text-brand-700 underline" href={`/t/${slug}/sync-runs/${latest.id}`}>
              {running && canResync ? "Details and Cancel" : "Details"}
            </Link>
          </div>
        ) : null}
        {!latest && !starting && progress.isSuccess ? <p className="text-slate-500">Never reconciled yet.</p> : null}
      </div>
    </div>
  );
}

/** Between the click and the run's first step there is no run row yet; a newer one will appear. */
function waitingForStart(requestedAt: Date | null, latestStartedAt: Date | undefined): boolean {
  if (!requestedAt) return false;
  if (Date.now() - requestedAt.getTime() > 60_000) return false;
  return !latestStartedAt || latestStartedAt.getTime() < requestedAt.getTime() - 1000;
}
