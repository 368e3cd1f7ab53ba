import type { Metadata } from "next";
import Link from "next/link";
import { formatRelative } from "@/app/_components/format";
import { connectionHealthLabel } from "@/app/_components/connections/health-label";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import { buttonClass, DataTable, EmptyState, PageHeader, StatusBadge } from "@/app/_components/ui";
import { SCHEDULE_LABELS } from "@/shared/provider-guides";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Connections" };

export default async function ConnectionsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { caller, tenant } = await requireTenant(slug);
  const connections = await caller.connection.list();
  const canCreate = tenant.role === "OWNER" || tenant.role === "ADMIN";
  const addButton = canCreate ? (
    <Link href={`/t/${slug}/connections/new`} className={buttonClass}>
      Add connection
    </Link>
  ) : null;
  return (
    <>
      <PageHeader
        title="Connections"
        description="Sources are where stock truly changes; channels are the storefronts that must show it."
        actions={addButton}
      />
      {connections.length === 0 ? (
        <EmptyState title="No connections yet">
          Add your collection system (SAM or Business Central) as a source first, then each storefront as a channel.
          Each connection gets its own signed webhook URL.
        </EmptyState>
      ) : (
        <DataTable
          cards={{ first: 7 }}
          columns={[
            "Name",
            "Platform",
            "Role",
            { label: "Linked items", align: "right" },
            "Reconcile",
            "Last webhook",
            "Last good sync",
            "Health",
            "Status",
          ]}
        >
          {connections.map((connection) => {
            const circuit = connectionHealthLabel(connection);
            return (
              <tr key={connection.id}>
                <td className="px-4 py-3 font-medium">
                  <Link href={`/t/${slug}/connections/${connection.id}`} className="text-brand-700 hover:underline">
                    {connection.name}
                  </Link>
                </td>
                <td className="px-4 py-3">{PROVIDER_LABELS[connection.provider]}</td>
                <td className="px-4 py-3">{connection.direction === "SOURCE" ? "Source" : "Channel"}</td>
                <td className="px-4 py-3 text-right tabular-nums">{connection._count.itemLinks}</td>
                <td className="px-4 py-3">{SCHEDULE_LABELS[connection.syncSchedule]}</td>
                <td className="px-4 py-3">{formatRelative(connection.lastWebhookAt)}</td>
                <td className="px-4 py-3">
                  {connection.health.syncRunning
                    ? "running now"
                    : formatRelative(connection.health.lastSuccessfulSyncAt)}
                </td>
                <td className="px-4 py-3">
                  <StatusBadge status={circuit.status} tone={circuit.tone} />
                  {connection.health.signatureMismatchStreak >= 3 ? (
                    <span className="ml-2 text-xs text-rose-700">signature mismatches</span>
                  ) : null}
                </td>
                <td className="px-4 py-3">
                  <StatusBadge status={connection.status} />
                  {!connection.webhooksEnabled ? (
                    <span className="ml-2 text-xs text-slate-500">webhooks off</span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
    </>
  );
}
