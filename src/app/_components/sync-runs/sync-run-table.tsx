import Link from "next/link";
import { SyncRunStatus } from "@/app/_components/sync-runs/sync-run-status";
import { formatDuration } from "@/app/_components/format";
import { RelativeTime } from "@/app/_components/relative-time";
import { SYNC_TRIGGER_LABELS } from "@/app/_components/labels";
import { DataTable, EmptyState } from "@/app/_components/ui";
import type { RouterOutputs } from "@/trpc/types";

export type SyncRunRow = RouterOutputs["syncRun"]["list"]["runs"][number];

export function SyncRunTable({
  slug,
  runs,
  showConnection = true,
  footer,
}: {
  slug: string;
  runs: SyncRunRow[];
  showConnection?: boolean;
  footer?: React.ReactNode;
}) {
  if (runs.length === 0)
    return (
      <EmptyState title="No sync runs yet">
        Runs appear here when a schedule comes due or someone presses Resync.
      </EmptyState>
    );
  const columns = [
    "Started",
    ...(showConnection ? ["Connection"] : []),
    "Trigger",
    "Status",
    { label: "Pages", align: "right" as const },
    { label: "Scanned", align: "right" as const },
    { label: "Changed", align: "right" as const },
    { label: "New", align: "right" as const },
    { label: "Errors", align: "right" as const },
    "Duration",
  ];
  return (
    <DataTable columns={columns} footer={footer}>
      {runs.map((run) => (
        <tr key={run.id}>
          <td className="px-4 py-3 whitespace-nowrap">
            <Link href={`/t/${slug}/sync-runs/${run.id}`} className="text-brand-700 hover:underline">
              <RelativeTime value={run.startedAt} />
            </Link>
          </td>
          {showConnection ? <td className="px-4 py-3">{run.connection.name}</td> : null}
          <td className="px-4 py-3">
            {SYNC_TRIGGER_LABELS[run.trigger]} · {run.mode.toLowerCase()}
          </td>
          <td className="px-4 py-3">
            <SyncRunStatus run={run} />
          </td>
          <td className="px-4 py-3 text-right tabular-nums">{run.pages}</td>
          <td className="px-4 py-3 text-right tabular-nums">{run.itemsScanned}</td>
          <td className="px-4 py-3 text-right tabular-nums">{run.itemsChanged}</td>
          <td className="px-4 py-3 text-right tabular-nums">{run.itemsCreated}</td>
          <td className="px-4 py-3 text-right tabular-nums" title={run.lastError ?? undefined}>
            {run.errorCount}
          </td>
          <td className="px-4 py-3 whitespace-nowrap">
            {run.finishedAt ? formatDuration(run.finishedAt.getTime() - run.startedAt.getTime()) : "running"}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
