"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { inputClass, LoadMoreFooter } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import { SyncRunTable } from "./sync-run-table";

type Status = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED";
type Trigger = "SCHEDULE" | "MANUAL" | "WEBHOOK";

/**
 * Runs, newest first, filterable, with more loaded on demand; refreshed every 5 s. With
 * `onlyConnection` it is one connection's history, without the filters.
 */
export function SyncRunHistory({ slug, connections, onlyConnection }: { slug: string; connections: { id: string; name: string }[]; onlyConnection?: string }) {
  const trpc = useTRPC();
  const [chosenConnection, setConnectionId] = useState("");
  const connectionId = onlyConnection ?? chosenConnection;
  const [status, setStatus] = useState("");
  const [trigger, setTrigger] = useState("");
  const runs = useInfiniteQuery(
    trpc.syncRun.list.infiniteQueryOptions(
      { connectionId: connectionId || undefined, status: (status || undefined) as Status | undefined, trigger: (trigger || undefined) as Trigger | undefined },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: 5000 },
    ),
  );
  const rows = runs.data?.pages.flatMap((page) => page.runs) ?? [];
  return (
    <div className="space-y-4">
      <div className={onlyConnection ? "hidden" : "grid gap-3 sm:grid-cols-3"}>
        <label className="text-sm font-medium text-slate-700">
          Connection
          <select className={`mt-1 ${inputClass}`} value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
            <option value="">All connections</option>
            {connections.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <label className="text-sm font-medium text-slate-700">
          Status
          <select className={`mt-1 ${inputClass}`} value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any status</option>
            {["QUEUED", "RUNNING", "SUCCEEDED", "FAILED"].map((s) => <option key={s} value={s}>{s.charAt(0) + s.slice(1).toLowerCase()}</option>)}
          </select>
        </label>
        <label className="text-sm font-medium text-slate-700">
          Trigger
          <select className={`mt-1 ${inputClass}`} value={trigger} onChange={(e) => setTrigger(e.target.value)}>
            <option value="">Any trigger</option>
            <option value="SCHEDULE">Schedule</option>
            <option value="MANUAL">Resync button</option>
            <option value="WEBHOOK">Webhook</option>
          </select>
        </label>
      </div>
      {runs.isPending ? <p role="status" className="text-sm text-slate-500">Loading sync runs…</p> : null}
      {runs.isError ? <p role="alert" className="text-sm text-rose-800">Could not load sync runs: {runs.error.message}</p> : null}
      {runs.isSuccess ? (
        <SyncRunTable
          slug={slug}
          runs={rows}
          showConnection={!onlyConnection}
          footer={<LoadMoreFooter query={runs} label="Load older runs" />}
        />
      ) : null}
    </div>
  );
}
