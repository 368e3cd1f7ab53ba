import type { Metadata } from "next";
import Link from "next/link";
import { ConnectionWizard } from "@/app/_components/connections/connection-wizard";
import { PageHeader, ReadOnlyNotice } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Add a connection" };

export default async function NewConnectionPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { tenant } = await requireTenant(slug);
  const canCreate = tenant.role === "OWNER" || tenant.role === "ADMIN";
  return (
    <>
      <PageHeader
        title="Add a connection"
        description="Connect a system where stock changes (a source) or a storefront to keep in step (a channel)."
        actions={
          <Link href={`/t/${slug}/connections`} className="text-sm font-medium text-slate-600 hover:text-slate-900">
            Cancel
          </Link>
        }
      />
      {canCreate ? (
        <ConnectionWizard slug={slug} />
      ) : (
        <ReadOnlyNotice>Only owners and admins can add connections, because each one holds secrets.</ReadOnlyNotice>
      )}
    </>
  );
}
