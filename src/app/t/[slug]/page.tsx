import type { Metadata } from "next";
import { OverviewDashboard } from "@/app/_components/overview/overview-dashboard";
import { PageHeader } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const summary = await (await requireTenant(slug)).caller.overview.summary({ range: "24h" });
  return (
    <>
      <PageHeader title="Overview" description="Health of every connection and what moved recently." />
      <OverviewDashboard slug={slug} initial={summary} />
    </>
  );
}
