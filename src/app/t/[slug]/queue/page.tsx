import type { Metadata } from "next";
import { Card, PageHeader, Stat } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Queue" };

const GROUPS = [
  { label: "Pending", statuses: ["RECEIVED", "QUEUED"] },
  { label: "Processing", statuses: ["PROCESSING"] },
  { label: "Completed", statuses: ["APPLIED", "SKIPPED", "DUPLICATE", "STALE"] },
  { label: "Failed", statuses: ["FAILED"] },
] as const;

export default async function QueuePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { events24h } = await (await requireTenant(slug)).caller.overview.summary();
  return (
    <>
      <PageHeader title="Queue" description="Where every accepted webhook of the last 24 hours is in the pipeline." />
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {GROUPS.map((group) => (
          <Stat key={group.label} label={group.label} value={group.statuses.reduce((sum, status) => sum + (events24h[status] ?? 0), 0)} />
        ))}
      </dl>
      <Card title="Rejected deliveries" className="mt-6">
        <p className="text-sm text-slate-600">
          {events24h.REJECTED ?? 0} deliveries were rejected in the last 24 hours (bad signature, malformed payload or over a limit). They are
          logged without their payload on the Events page.
        </p>
      </Card>
    </>
  );
}
