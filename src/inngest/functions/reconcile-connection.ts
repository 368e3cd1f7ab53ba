import { RetryAfterError } from "inngest";
import { db } from "@/server/db";
import { finishSyncRun, startSyncRun } from "@/server/inventory/reconcile";
import {
  failRunningSyncRun,
  pushTargets,
  RECONCILE_RETRIES,
  ReconcilePageError,
  reconcileRunPage,
  type PushTarget,
  type ReconcileRun,
} from "@/server/inventory/reconcile-run";
import { emitStockChanges, emitSyncRunResult } from "@/server/outbound/emit";
import { writeReconcilePushes } from "@/server/pipeline/reconcile-pushes";
import { inngest } from "../client";
import { reconcileCancelled, reconcileRequested } from "../event-schemas";
import { sendOutboundEvents } from "../outbound-sender";
import { storefrontBatchEvent } from "../push-run";

/**
 * stock/reconcile.requested: one page per step, so a crash resumes at the page it reached. For
 * a source, its catalogue is reconciled into the canonical stock; for a channel, its listing is
 * checked for drift. One run per connection at a time: a request while one runs is skipped
 * (coalesced), not queued. Changed and drifted items are pushed in bulk: one `push-channel-batch`
 * run per storefront and 1,000 items, each storefront on its own.
 */
export const reconcileConnection = inngest.createFunction(
  {
    id: "reconcile-connection",
    triggers: [reconcileRequested],
    singleton: { key: "event.data.connectionId", mode: "skip" },
    retries: RECONCILE_RETRIES,
    // Cancel on the sync run page: one reconcile per connection runs at a time (singleton), so the connection names it.
    cancelOn: [{ event: reconcileCancelled, match: "data.connectionId" }],
    onFailure: async ({ event, error }) => {
      const { tenantId, connectionId } = event.data.event.data;
      await failRunningSyncRun(db, tenantId, connectionId, error.message, sendOutboundEvents);
    },
  },
  async ({ event, step, attempt }) => {
    const { tenantId, connectionId, mode, trigger } = event.data;
    const run: ReconcileRun = await step.run("start", async () => {
      const connection = await db.connection.findFirstOrThrow({
        where: { id: connectionId, tenantId },
        select: { lastSyncAt: true, direction: true },
      });
      const incremental = mode === "incremental" && connection.direction === "SOURCE" && connection.lastSyncAt;
      const started = await startSyncRun(db, {
        tenantId,
        connectionId,
        trigger,
        mode: incremental ? "INCREMENTAL" : "FULL",
      });
      return {
        ...started,
        direction: connection.direction,
        updatedSince: incremental ? connection.lastSyncAt!.toISOString() : null,
      };
    });
    let cursor: string | null = null;
    let pages = 0;
    const toPush = new Map<string, PushTarget>();
    do {
      const pageCursor: string | null = cursor;
      const outcome: { nextCursor: string | null; push: PushTarget[] } = await step.run(`page-${pages}`, async () => {
        try {
          return await reconcileRunPage(db, run, pageCursor, sendOutboundEvents, attempt);
        } catch (error) {
          // The run has written when its next attempt starts; Inngest waits exactly that long.
          if (error instanceof ReconcilePageError && error.retryAt)
            throw new RetryAfterError(error.message, error.retryAt, { cause: error });
          throw error;
        }
      });
      for (const target of outcome.push) toPush.set(`${target.itemId}:${target.connectionId}`, target);
      cursor = outcome.nextCursor;
      pages += 1;
    } while (cursor);
    const vanished = await step.run("finish", async () => {
      const { vanishedItemIds, archived } = await finishSyncRun(db, run, new Date(), {
        archiveVanished: run.direction === "SOURCE",
      });
      await emitStockChanges(
        db,
        tenantId,
        archived,
        { kind: "reconcile", connectionId, syncRunId: run.id },
        sendOutboundEvents,
      );
      await emitSyncRunResult(db, tenantId, run.id, sendOutboundEvents);
      return pushTargets(db, tenantId, vanishedItemIds);
    });
    for (const target of vanished) toPush.set(`${target.itemId}:${target.connectionId}`, target);
    if (!toPush.size) return { syncRunId: run.id, pages, pushes: 0 };
    const storefronts = await step.run("push-rows", () =>
      writeReconcilePushes(db, tenantId, run.id, [...toPush.values()]),
    );
    const pushes = storefronts.map((rows) => storefrontBatchEvent(tenantId, `reconcile:${run.id}`, rows));
    if (pushes.length) await step.sendEvent("push-changed-items", pushes);
    return { syncRunId: run.id, pages, pushes: storefronts.reduce((sum, s) => sum + s.pushIds.length, 0) };
  },
);
