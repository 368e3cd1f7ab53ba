import type { Metadata } from "next";
import { WebhookEndpoints } from "@/app/_components/webhooks/webhook-endpoints";
import { PageHeader, ReadOnlyNotice } from "@/app/_components/ui";
import { EVENT_TYPE_DESCRIPTIONS, OUTBOUND_EVENT_TYPES } from "@/server/outbound/event-types";
import { samplePayload } from "@/server/outbound/sample-payloads";
import { devTestInbox } from "@/server/outbound/dev-test-inbox";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { tenant } = await requireTenant(slug);
  const canManage = tenant.role === "OWNER" || tenant.role === "ADMIN";
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Send Stockhook's events to your own tools: a Slack alert when a sync fails, a row for every sale, an ERP update. Each delivery is signed per Standard Webhooks and retried for about a day."
      />
      {!canManage ? (
        <div className="mb-4">
          <ReadOnlyNotice>Only owners and admins can add, change, test or delete endpoints.</ReadOnlyNotice>
        </div>
      ) : null}
      <WebhookEndpoints
        canManage={canManage}
        eventTypes={OUTBOUND_EVENT_TYPES.map((type) => ({
          type,
          description: EVENT_TYPE_DESCRIPTIONS[type],
          sample: JSON.stringify(samplePayload(type, { id: tenant.id, slug: tenant.slug }), null, 2),
        }))}
        testInbox={devTestInbox(slug)}
      />
    </>
  );
}
