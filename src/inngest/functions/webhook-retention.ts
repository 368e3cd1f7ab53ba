import { db } from "@/server/db";
import { deleteExpiredOutboundEvents } from "@/server/outbound/retention";
import { deleteExpiredWebhookEvents } from "@/server/pipeline/retention";
import { inngest } from "../client";

/** Daily at 03:00 UTC: webhook events and payloads, and outbound events, past each tenant's retention are deleted. */
export const webhookRetention = inngest.createFunction(
  { id: "webhook-retention", triggers: [{ cron: "TZ=UTC 0 3 * * *" }], concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const inbound = await step.run("delete-expired", () => deleteExpiredWebhookEvents(db));
    const outbound = await step.run("delete-expired-outbound", () => deleteExpiredOutboundEvents(db));
    return { ...inbound, outboundDeleted: outbound.deleted };
  },
);
