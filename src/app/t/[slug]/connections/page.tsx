import type { Metadata } from "next";
import { DataTable, EmptyState, formatRelative, PageHeader, PROVIDER_LABELS, StatusBadge } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Connections" };

const SCHEDULE_LABELS: Record<string, string> = { H1: "every hour", H3: "every 3 h", H6: "every 6 h", H12: "every 12 h", H24: "daily", MANUAL: "manual only" };

export default async function ConnectionsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const connections = await (await requireTenant(slug)).caller.connection.list();
  return (
    <>
      <PageHeader title="Connections" description="Sources are where stock truly changes; channels are the storefronts that must show it." />
      {connections.length === 0 ? (
        <EmptyState title="No connections yet">
          Add your collection system (SAM or Business Central) as a source first, then each storefront as a channel. Each connection gets its own
          signed webhook URL.
        </EmptyState>
      ) : (
        <DataTable columns={["Name", "Platform", "Role", "Linked items", "Reconcile", "Last webhook", "Status"]}>
          {connections.map((connection) => (
            <tr key={connection.id}>
              <td className="px-4 py-3 font-medium text-slate-900">{connection.name}</td>
              <td className="px-4 py-3">{PROVIDER_LABELS[connection.provider]}</td>
              <td className="px-4 py-3">{connection.direction === "SOURCE" ? "Source" : "Channel"}</td>
              <td className="px-4 py-3 tabular-nums">{connection._count.itemLinks}</td>
              <td className="px-4 py-3">{SCHEDULE_LABELS[connection.syncSchedule]}</td>
              <td className="px-4 py-3">{formatRelative(connection.lastWebhookAt)}</td>
              <td className="px-4 py-3">
                <StatusBadge status={connection.status} />
                {!connection.webhooksEnabled ? <span className="ml-2 text-xs text-slate-500">webhooks off</span> : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
