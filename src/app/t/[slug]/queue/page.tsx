import type { Metadata } from "next";
import { QueueDashboard } from "@/app/_components/events/queue-dashboard";
import { PageHeader } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Queue" };

export default async function QueuePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { tenant } = await requireTenant(slug);
  return (
    <>
      <PageHeader
        title="Queue"
        description="Where every accepted webhook is in the pipeline, live: waiting, processing, done or failed, per connection."
      />
      <QueueDashboard slug={slug} canReplay={tenant.role !== "VIEWER"} />
    </>
  );
}
