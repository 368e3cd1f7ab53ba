"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { enumOptions, enumValue } from "@/app/_components/enum-options";
import { ConnectionFilter, FilterSelect } from "@/app/_components/filters/filter-select";
import { SYNC_TRIGGER_LABELS } from "@/app/_components/labels";
import { LoadMoreFooter } from "@/app/_components/ui";
import { SyncStatus, SyncTrigger } from "@/generated/prisma/enums";
import { useTRPC } from "@/trpc/react";
import { SyncRunTable } from "./sync-run-table";

const STATUS_OPTIONS = enumOptions(SyncStatus);
const TRIGGER_OPTIONS = enumOptions(SyncTrigger, SYNC_TRIGGER_LABELS);

/**
 * Runs, newest first, filterable, with more loaded on demand; refreshed every 5 s. With
 * `onlyConnection` it is one connection's history, without the filters.
 */
export function SyncRunHistory({
  slug,
  connections,
  onlyConnection,
}: {
  slug: string;
  connections: { id: string; name: string }[];
  onlyConnection?: string;
}) {
  const trpc = useTRPC();
  const [chosenConnection, setConnectionId] = useState("");
  const connectionId = onlyConnection ?? chosenConnection;
  const [status, setStatus] = useState("");
  const [trigger, setTrigger] = useState("");
  const runs = useInfiniteQuery(
    trpc.syncRun.list.infiniteQueryOptions(
      {
        connectionId: connectionId || undefined,
        status: enumValue(SyncStatus, status),
        trigger: enumValue(SyncTrigger, trigger),
      },
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: 5000 },
    ),
  );
  const rows = runs.data?.pages.flatMap((page) => page.runs) ?? [];
  return (
    <div className="space-y-4">
      <div className={onlyConnection ? "hidden" : "grid gap-3 sm:grid-cols-3"}>
        <ConnectionFilter connections={connections} value={connectionId} onChange={setConnectionId} />
        <FilterSelect
          label="Status"
          anyLabel="Any status"
          options={STATUS_OPTIONS}
          value={status}
          onChange={setStatus}
        />
        <FilterSelect
          label="Trigger"
          anyLabel="Any trigger"
          options={TRIGGER_OPTIONS}
          value={trigger}
          onChange={setTrigger}
        />
      </div>
      {runs.isPending ? (
        <p role="status" className="text-sm text-slate-500">
          Loading sync runs…
        </p>
      ) : null}
      {runs.isError ? (
        <p role="alert" className="text-sm text-rose-800">
          Could not load sync runs: {runs.error.message}
        </p>
      ) : null}
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
