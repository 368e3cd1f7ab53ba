import type { Metadata } from "next";
import { SyncRunHistory } from "@/app/_components/sync-runs/sync-run-history";
import { PageHeader } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Sync runs" };

export default async function SyncRunsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const connections = await (await requireTenant(slug)).caller.connection.list();
  return (
    <>
      <PageHeader
        title="Sync runs"
        description="Every reconcile and storefront check: what started it, how long it took, what it found and changed."
      />
      <SyncRunHistory slug={slug} connections={connections.map(({ id, name }) => ({ id, name }))} />
    </>
  );
}
