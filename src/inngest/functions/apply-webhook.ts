import { db } from "@/server/db";
import { failEvents } from "@/server/pipeline/apply-batch";
import { isReplayEventId } from "@/server/pipeline/attempts";
import { applyAndPush } from "../apply-and-push";
import { inngest } from "../client";
import { webhookReceived } from "../event-schemas";

/**
 * stock/webhook.received, the fast path: one delivery of a tenant that is not sending a burst (a
 * quiet tenant's sale), in one step. It claims the stored delivery, applies its changes and records
 * the verdict with the push rows in one transaction (server/pipeline/apply-batch.ts), then makes
 * each push's first attempt, every storefront at once and without waiting on a failure
 * (server/pipeline/inline-push.ts). One step, not two: while another tenant's burst drains, Inngest
 * took seconds (p95) to schedule a second step, and a sale reaches its storefronts without that
 * wait. A push that does not land goes on in a `push-item` run of its own, so a storefront that is
 * down never holds up this delivery, another storefront or anyone else. If the step runs again
 * after its apply committed, it finds the delivery final and pushes what is still unattempted.
 * Usually the instance that took the delivery has applied it on arrival already, and this run,
 * scheduled 5 s later, finds it final (docs/pipeline.md#applied-on-arrival). Busy tenants'
 * deliveries go to apply-webhook-batch instead, a separate function with its own queue, so a
 * burst's backlog never sits in front of a single sale (docs/pipeline.md).
 */
export const applyWebhook = inngest.createFunction(
  {
    id: "apply-webhook",
    triggers: [webhookReceived],
    retries: 6,
    // Per tenant: a cap on one tenant's running deliveries. Per item: one product's deliveries
    // run one at a time (see item-key.ts); events sent before itemKey existed share their connection's key.
    concurrency: [
      { key: "event.data.tenantId", limit: 10 },
      { key: "has(event.data.itemKey) ? event.data.itemKey : event.data.connectionId", limit: 1 },
    ],
    onFailure: async ({ event, error }) => {
      await failEvents(db, { ids: [event.data.event.data.webhookEventId] }, error.message);
    },
  },
  async ({ event, step, attempt, runId }) => {
    const { tenantId, webhookEventId } = event.data;
    const replay = isReplayEventId(event.id);
    return step.run("apply-and-push", () => applyAndPush({ tenantId, webhookEventId, runId, attempt, replay }));
  },
);
