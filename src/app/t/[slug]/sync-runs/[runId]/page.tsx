import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { formatDateTime, formatDuration } from "@/app/_components/format";
import { RelativeTime } from "@/app/_components/relative-time";
import { SyncRunLive } from "@/app/_components/sync-runs/sync-run-live";
import { Card, DataTable, EmptyState, PageHeader, Stat, StatusBadge } from "@/app/_components/ui";
import { syncRunPhase } from "@/shared/sync-run-phase";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Sync run" };

export default async function SyncRunPage({ params }: { params: Promise<{ slug: string; runId: string }> }) {
  const { slug, runId } = await params;
  const { caller, tenant } = await requireTenant(slug);
  const { run, changes, pushes, pushStates } = await caller.syncRun.byId({ id: runId }).catch((error: unknown) => {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const phase = syncRunPhase(run);
  const duration = run.finishedAt
    ? formatDuration(run.finishedAt.getTime() - run.startedAt.getTime())
    : "still running";
  return (
    <>
      <PageHeader
        title={`${run.connection.name}: ${run.mode === "FULL" ? "full" : "incremental"} ${run.connection.direction === "CHANNEL" ? "storefront check" : "reconcile"}`}
        description={`Started ${formatDateTime(run.startedAt)} by ${run.trigger === "MANUAL" ? "the Resync button" : run.trigger.toLowerCase()} · ${duration}`}
        actions={
          <Link href={`/t/${slug}/sync-runs`} className="text-sm font-medium text-slate-600 hover:text-slate-900">
            All sync runs
          </Link>
        }
      />
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Stat
          label="Status"
          value={
            <StatusBadge
              status={phase.retrying ? "Retrying" : run.status}
              tone={phase.retrying ? "amber" : undefined}
            />
          }
        />
        <Stat label="Pages" value={run.pages} />
        <Stat label="Items scanned" value={run.itemsScanned} />
        <Stat
          label="Changed / new / vanished"
          value={`${run.itemsChanged} / ${run.itemsCreated} / ${run.itemsVanished}`}
        />
        <Stat
          label="Storefront updates"
          value={pushes.length}
          hint={
            Object.entries(pushStates)
              .map(([state, count]) => `${count} ${state.toLowerCase()}`)
              .join(" · ") || "none"
          }
        />
      </dl>
      <SyncRunLive runId={run.id} canCancel={tenant.role !== "VIEWER"} />
      <Card title="Stock changes this run made" className="mt-6">
        {changes.length === 0 ? (
          phase.active ? (
            <EmptyState title="No changes yet">
              The run has not finished{phase.retrying ? " — it is retrying a page that failed" : ""}; changes show here
              as it makes them.
            </EmptyState>
          ) : run.status === "SUCCEEDED" ? (
            <EmptyState title="Nothing to change">The canonical stock already matched the source.</EmptyState>
          ) : (
            <EmptyState title="No changes made">
              The run {run.status === "CANCELLED" ? "was cancelled" : "failed"} before it changed any stock.
            </EmptyState>
          )
        ) : (
          <DataTable columns={["Item", "Quantity", "Status", "When"]}>
            {changes.map((change) => (
              <tr key={change.id}>
                <td className="px-4 py-3">
                  <Link href={`/t/${slug}/items/${change.item.id}`} className="text-brand-700 hover:underline">
                    {change.item.sku}
                  </Link>{" "}
                  <span className="text-slate-500">{change.item.title}</span>
                </td>
                <td className="px-4 py-3 tabular-nums">
                  {change.quantityBefore} → {change.quantityAfter}
                </td>
                <td className="px-4 py-3">
                  <StatusBadge status={change.statusBefore} /> → <StatusBadge status={change.statusAfter} />
                </td>
                <td className="px-4 py-3">
                  <RelativeTime value={change.createdAt} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
      <Card title="Storefront updates" className="mt-6">
        {pushes.length === 0 ? (
          <EmptyState title="No storefront updates">Nothing this run changed needed pushing.</EmptyState>
        ) : (
          <DataTable columns={["Channel", "Quantity", "Result", "Attempts", "Pushed"]}>
            {pushes.map((push) => (
              <tr key={push.id}>
                <td className="px-4 py-3">{push.connection.name}</td>
                <td className="px-4 py-3 tabular-nums">
                  {push.quantity} <StatusBadge status={push.status} />
                </td>
                <td className="px-4 py-3">
                  <StatusBadge status={push.state} />
                  {push.error ? <span className="ml-2 text-xs text-rose-700">{push.error}</span> : null}
                </td>
                <td className="px-4 py-3 tabular-nums">{push.attempts}</td>
                <td className="px-4 py-3">
                  <RelativeTime value={push.pushedAt} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
    </>
  );
}
