import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ItemTimelineView } from "@/app/_components/events/item-timeline-view";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Item" };

export default async function ItemPage({ params }: { params: Promise<{ slug: string; itemId: string }> }) {
  const { slug, itemId } = await params;
  const { caller } = await requireTenant(slug);
  const timeline = await caller.event.itemTimeline({ itemId }).catch((error: unknown) => {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const { item } = timeline;
  return (
    <>
      <PageHeader
        title={item.sku}
        description={item.title}
        actions={
          <Link
            className="text-sm text-brand-700 underline"
            href={`/t/${slug}/events?q=${encodeURIComponent(item.sku)}`}
          >
            Its webhook events
          </Link>
        }
      />
      <ItemTimelineView itemId={item.id} initial={timeline}>
        <div className="mb-6 grid gap-4 lg:grid-cols-2">
          <Card title="Stock by location">
            {item.levels.length ? (
              <ul className="text-sm">
                {item.levels.map((level) => (
                  <li key={level.locationId}>
                    <span className="font-mono text-xs">{level.locationId}</span>: {level.quantity}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500">No per-location stock reported yet.</p>
            )}
          </Card>
          <Card title="Linked to">
            <ul className="text-sm">
              {item.links.map((link) => (
                <li key={link.connection.id}>
                  <Link className="text-brand-700 underline" href={`/t/${slug}/connections/${link.connection.id}`}>
                    {link.connection.name}
                  </Link>{" "}
                  <span className="text-xs text-slate-500">
                    ({PROVIDER_LABELS[link.connection.provider]} id {link.externalId})
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </ItemTimelineView>
    </>
  );
}
