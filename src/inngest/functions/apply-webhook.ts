import { db } from "@/server/db";
import { applyResolvedChange, claimWebhookEvent, recordFailure, recordVerdict, verdictOf } from "@/server/pipeline/webhook-processing";
import { inngest } from "../client";
import { webhookReceived } from "../events";

/**
 * stock/webhook.received: claim the stored delivery, apply each change it reports (one step
 * and one transaction per change, so a retry never applies one twice), and record the verdict.
 * Per-tenant concurrency keeps one tenant's burst from starving the others; the item row lock
 * inside the transaction serialises changes to one item.
 */
export const applyWebhook = inngest.createFunction(
  {
    id: "apply-webhook",
    triggers: [webhookReceived],
    retries: 6,
    concurrency: [{ key: "event.data.tenantId", limit: 10 }],
    onFailure: async ({ event, error }) => {
      await recordFailure(db, event.data.event.data.webhookEventId, error.message);
    },
  },
  async ({ event, step, attempt }) => {
    const claimed = await step.run("claim", () => claimWebhookEvent(db, event.data.tenantId, event.data.webhookEventId, attempt));
    if (claimed.alreadyFinal) return { skipped: "already processed" };
    const outcomes = [];
    for (const [index, change] of claimed.changes.entries()) {
      outcomes.push(await step.run(`apply-${index}`, () => applyResolvedChange(db, claimed, change)));
    }
    const verdict = verdictOf(outcomes);
    await step.run("record", () => recordVerdict(db, claimed.id, verdict));
    return verdict;
  },
);
