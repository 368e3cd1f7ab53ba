import type { Metadata } from "next";
import { AuditTrail } from "@/app/_components/support/audit-trail";
import { PageHeader } from "@/app/_components/ui";
import { requireStaff } from "@/trpc/server";

export const metadata: Metadata = { title: "Audit trail" };

export default async function PlatformAuditPage() {
  await requireStaff(true);
  return (
    <>
      <PageHeader
        title="Audit trail"
        description="Every change on the platform: each workspace's, support sessions', and platform role changes. Append-only."
      />
      <AuditTrail scope="platform" />
    </>
  );
}
