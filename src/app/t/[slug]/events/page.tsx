import type { Metadata } from "next";
import { Suspense } from "react";
import { EventTimeline } from "@/app/_components/events/event-timeline";
import { PageHeader } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { caller, tenant } = await requireTenant(slug);
  const connections = await caller.connection.list();
  return (
    <>
      <PageHeader
        title="Events"
        description="Every webhook delivery, accepted or rejected, newest first: what it said, whether its signature held, what it changed and which storefronts it reached."
      />
      {/* The timeline reads its filters from the URL, which needs a Suspense boundary. */}
      <Suspense
        fallback={
          <p role="status" className="text-sm text-slate-500">
            Loading events…
          </p>
        }
      >
        <EventTimeline
          connections={connections.map(({ id, name }) => ({ id, name }))}
          canReplay={tenant.role !== "VIEWER"}
        />
      </Suspense>
    </>
  );
}
