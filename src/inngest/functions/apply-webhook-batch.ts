import { db } from "@/server/db";
import { failEvents } from "@/server/pipeline/apply-batch";
import { isReplayEventId } from "@/server/pipeline/attempts";
import { applyForRun } from "../apply-run";
import { inngest } from "../client";
import { webhookBatched } from "../event-schemas";

/** What Inngest hands onFailure beyond its typed `data.event`: the server sends every event of the batch. */
interface FailedBatch {
  event?: { data?: { webhookEventIds?: string[] } };
  events?: { data?: { webhookEventIds?: string[] } }[];
  run_id?: string;
}

/**
 * Every delivery a failed batch named. Inngest types `data.event` as the batch's first event only;
 * the server also sends `data.events`, and whichever is there is read.
 */
export function deliveriesOfFailedBatch(data: unknown): { ids: string[]; runId?: string } {
  const failed = data as FailedBatch;
  const ids = (failed.events ?? [failed.event]).flatMap((e) => e?.data?.webhookEventIds ?? []);
  return { ids: [...new Set(ids)], runId: failed.run_id };
}

/**
 * stock/webhook.batched: a busy tenant's deliveries (and the sweeper's re-sends, and bulk replays),
 * up to 100 named by each event, applied together in one step: one claim statement and one
 * transaction for the whole batch, under the same rules as the fast path
 * (server/pipeline/apply-batch.ts). Batches are keyed by tenant, so one never mixes tenants; sizes
 * and limits are explained in docs/pipeline.md.
 */
export const applyWebhookBatch = inngest.createFunction(
  {
    id: "apply-webhook-batch",
    triggers: [webhookBatched],
    retries: 6,
    // timeout 3s: a busy tenant's delivery waits at most that for its batch, and fewer, larger
    // batches than the server's 1-s minimum gives drained a 20-tenant burst 18–28 % faster;
    // maxSize 100 events, each naming up to 100 deliveries, seldom binds (docs/pipeline.md).
    // Constants, not settings: the function's configuration is read when the module loads, at
    // build time too.
    batchEvents: { maxSize: 100, timeout: "3s", key: "event.data.tenantId" },
    // One batch per tenant at a time (its batches never contend for item locks), four in all, so a
    // burst cannot take the queue's workers or the database from the fast path.
    concurrency: [{ key: "event.data.tenantId", limit: 1 }, { limit: 4 }],
    // The claim stamped every delivery with this run's id, and failEvents fails only those.
    onFailure: async ({ event, error }) => {
      await failEvents(db, deliveriesOfFailedBatch(event.data), error.message);
    },
  },
  async ({ events, step, attempt, runId }) => {
    const tenantId = events[0]!.data.tenantId;
    const eventIds = [...new Set(events.flatMap((e) => e.data.webhookEventIds))];
    const replay = events.some((e) => isReplayEventId(e.id));
    const summary = await step.run("apply", () =>
      applyForRun({
        tenantId,
        eventIds,
        runId,
        attempt,
        replay,
        lane: `batch of ${eventIds.length}`,
        bulkPushes: true,
      }),
    );
    return { events: events.length, deliveries: eventIds.length, ...summary };
  },
);
