import { db } from "@/server/db";
import { findEventsToResend, markSent } from "@/server/pipeline/sweeper";
import { inngest } from "../client";
import { webhookReceived } from "../events";

/** Every minute: hand over acknowledged events that never reached the pipeline or got stuck. */
export const sweepWebhooks = inngest.createFunction(
  { id: "sweep-webhooks", triggers: [{ cron: "* * * * *" }], concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const candidates = await step.run("find", () => findEventsToResend(db, new Date()));
    if (candidates.length === 0) return { resent: 0 };
    await step.sendEvent(
      "resend",
      candidates.map((c) => webhookReceived.create({ tenantId: c.tenantId, connectionId: c.connectionId, webhookEventId: c.id, itemKey: c.itemKey }, { id: c.eventId })),
    );
    await step.run("mark-sent", () => markSent(db, candidates.map((c) => c.id), new Date()));
    return { resent: candidates.length, unsent: candidates.filter((c) => c.reason === "unsent").length, stuck: candidates.filter((c) => c.reason === "stuck").length };
  },
);
