import type { Metadata } from "next";
import { DataTable, EmptyState, formatDateTime, PageHeader, PROVIDER_LABELS, StatusBadge } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { events } = await (await requireTenant(slug)).caller.event.list({});
  return (
    <>
      <PageHeader title="Events" description="Every webhook delivery, accepted or rejected, newest first." />
      {events.length === 0 ? (
        <EmptyState title="No webhooks received yet">
          Register each connection&apos;s webhook URL with its platform; deliveries show up here the moment they arrive, with what they changed.
        </EmptyState>
      ) : (
        <DataTable columns={["Received", "Connection", "Topic", "Status", "What happened"]}>
          {events.map((event) => (
            <tr key={event.id}>
              <td className="px-4 py-3 whitespace-nowrap">{formatDateTime(event.receivedAt)}</td>
              <td className="px-4 py-3">{event.connection.name} <span className="text-xs text-slate-500">({PROVIDER_LABELS[event.provider]})</span></td>
              <td className="px-4 py-3 font-mono text-xs">{event.topic ?? "—"}</td>
              <td className="px-4 py-3"><StatusBadge status={event.status} /></td>
              <td className="px-4 py-3 text-slate-600">{event.error ?? event.action ?? "—"}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
