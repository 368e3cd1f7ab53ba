import { db } from "@/server/db";
import { emitProductSyncedMany } from "@/server/outbound/emit";
import { attemptChannelBatch, type BatchAttemptResult } from "@/server/pipeline/channel-batch-push";
import { MAX_PARKED_TURNS, pushRetryDelaysMs } from "@/server/pipeline/channel-push";
import { giveUpOnePush } from "@/server/pipeline/push-give-up";
import { inngest } from "../client";
import { channelPushBatch } from "../event-schemas";
import { sendOutboundEvents } from "../outbound-sender";
import { retryingConnector } from "../push-run";

const latest = (times: string[]) => times.reduce((a, b) => (a > b ? a : b));

/**
 * stock/channel.push-batch: push rows for ONE storefront (an apply batch's, or a reconcile's),
 * sent with the platform's bulk call (server/pipeline/channel-batch-push.ts). Each storefront gets
 * its own run, so one that is down or rate limiting never delays another. Rows keep their own
 * attempt numbers: a row that failed waits the next retry delay (a 429 its Retry-After), a row
 * whose item another push is sending waits for it without using an attempt, and a row out of
 * attempts fails for good.
 */
export const pushChannelBatch = inngest.createFunction(
  {
    id: "push-channel-batch",
    triggers: [channelPushBatch],
    retries: 3,
    // One bulk run per storefront at a time; a sleeping run holds no slot.
    concurrency: [{ key: "event.data.connectionId", limit: 1 }],
    onFailure: async ({ event, error }) => {
      const { tenantId, pushIds } = event.data.event.data;
      for (const pushId of pushIds) await giveUpOnePush(db, tenantId, pushId, error.message, sendOutboundEvents);
    },
  },
  async ({ event, step, runId }) => {
    const { tenantId, connectionId } = event.data;
    const delaysMs = pushRetryDelaysMs();
    const replay = event.data.replay ?? false;
    // Each row's attempt number in this run; a turn spent waiting does not advance it.
    const numberOf: Record<string, number> = Object.fromEntries(event.data.pushIds.map((id) => [id, 1]));
    let pending = [...event.data.pushIds];
    let parked = 0;
    let succeeded = 0;
    let failed = 0;
    for (let turn = 1; pending.length; turn += 1) {
      const batch = pending;
      const result = await step.run(`attempt-${turn}`, async () => {
        const byNumber = new Map<number, string[]>();
        for (const id of batch) byNumber.set(numberOf[id]!, [...(byNumber.get(numberOf[id]!) ?? []), id]);
        const merged: BatchAttemptResult = { succeeded: [], failed: [], waiting: null, calls: 0 };
        for (const [number, pushIds] of byNumber) {
          const outcome = await attemptChannelBatch(
            db,
            retryingConnector,
            { tenantId, connectionId, pushIds },
            { number, delaysMs, inngestRunId: runId, replay },
          );
          merged.succeeded.push(...outcome.succeeded);
          merged.failed.push(...outcome.failed);
          merged.calls += outcome.calls;
          if (outcome.waiting)
            merged.waiting = merged.waiting
              ? { ...outcome.waiting, pushIds: [...merged.waiting.pushIds, ...outcome.waiting.pushIds] }
              : outcome.waiting;
        }
        await emitProductSyncedMany(
          db,
          tenantId,
          merged.succeeded.map((row) => ({ ...row, connectionId })),
          sendOutboundEvents,
        );
        return {
          succeeded: merged.succeeded.length,
          calls: merged.calls,
          failed: merged.failed,
          waiting: merged.waiting,
        };
      });
      succeeded += result.succeeded;
      const exhausted = result.failed.filter((row) => !row.retryAt);
      const retrying = result.failed.filter((row) => row.retryAt);
      const waiting = result.waiting;
      if (waiting?.parked) parked += 1;
      const overParked = waiting?.parked && parked > MAX_PARKED_TURNS ? waiting.pushIds : [];
      if (exhausted.length || overParked.length) {
        await step.run(`give-up-${turn}`, async () => {
          for (const row of exhausted) await giveUpOnePush(db, tenantId, row.pushId, row.error, sendOutboundEvents);
          for (const id of overParked) await giveUpOnePush(db, tenantId, id, waiting!.error, sendOutboundEvents);
        });
        failed += exhausted.length + overParked.length;
      }
      for (const row of retrying) numberOf[row.pushId] = numberOf[row.pushId]! + 1;
      pending = [...retrying.map((row) => row.pushId), ...(overParked.length ? [] : (waiting?.pushIds ?? []))];
      if (!pending.length) break;
      // Nothing is tried before it is due: the turn waits for the latest due time among its rows.
      const dues = [...retrying.map((row) => row.retryAt!), ...(waiting && !overParked.length ? [waiting.until] : [])];
      await step.sleepUntil(`wait-${turn}`, latest(dues));
    }
    return { pushes: event.data.pushIds.length, succeeded, failed, parked };
  },
);
