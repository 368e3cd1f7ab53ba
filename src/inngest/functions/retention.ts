import { db } from "@/server/db";
import { deleteExpiredWebhookEvents } from "@/server/pipeline/retention";
import { inngest } from "../client";

/** Daily at 03:00 UTC: webhook events and payloads past each tenant's retention are deleted. */
export const webhookRetention = inngest.createFunction(
  { id: "webhook-retention", triggers: [{ cron: "TZ=UTC 0 3 * * *" }], concurrency: [{ limit: 1 }] },
  async ({ step }) => step.run("delete-expired", () => deleteExpiredWebhookEvents(db)),
);
