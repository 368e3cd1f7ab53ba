import type { Metadata } from "next";
import { Card, EmptyState, formatRelative, PageHeader, PROVIDER_LABELS, Stat, StatusBadge } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const summary = await (await requireTenant(slug)).caller.overview.summary();
  const totalItems = Object.values(summary.items).reduce((sum, count) => sum + count, 0);
  const events24h = Object.values(summary.events24h).reduce((sum, count) => sum + count, 0);
  const failed24h = (summary.events24h.FAILED ?? 0) + (summary.events24h.REJECTED ?? 0);
  return (
    <>
      <PageHeader title="Overview" description="Health of every connection and what moved in the last 24 hours." />
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="Items" value={totalItems} hint={`${summary.items.AVAILABLE ?? 0} available`} />
        <Stat label="Sold today" value={summary.soldToday} />
        <Stat label="Webhooks, 24 h" value={events24h} />
        <Stat label="Failed or rejected, 24 h" value={failed24h} />
      </dl>
      <Card title="Connections" className="mt-6">
        {summary.connections.length === 0 ? (
          <EmptyState title="No connections yet">
            Connect the system where stock really changes (SAM, Business Central…) as a source, and your storefronts as channels.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {summary.connections.map((connection) => (
              <li key={connection.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <div>
                  <p className="font-medium text-slate-900">{connection.name}</p>
                  <p className="text-xs text-slate-500">
                    {PROVIDER_LABELS[connection.provider]} · {connection.direction === "SOURCE" ? "source" : "channel"} · last webhook{" "}
                    {formatRelative(connection.lastWebhookAt)} · last sync {formatRelative(connection.lastSyncAt)}
                  </p>
                </div>
                <StatusBadge status={connection.status} />
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
