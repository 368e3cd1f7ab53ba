import type { ChannelConnector, SourceConnector } from "@/server/connectors";
import { db } from "@/server/db";
import { channelDriftPage, failSyncRun, finishSyncRun, reconcilePage, startSyncRun } from "@/server/inventory/reconcile";
import { dueReconciles } from "@/server/inventory/schedule";
import { channelTargets } from "@/server/pipeline/channel-push";
import { connectorForConnection } from "@/server/connectors/tenant-connector";
import { emitStockChanges, emitSyncRunResult } from "@/server/outbound/emit";
import { inngest } from "../client";
import { channelPush, reconcileRequested } from "../events";
import { sendOutboundEvents } from "./outbound";

/**
 * stock/reconcile.requested: one page per step, so a crash resumes at the page it reached. For
 * a source, its catalogue is reconciled into the canonical stock; for a channel, its listing is
 * checked for drift. One run per connection at a time: a request while one runs is skipped
 * (coalesced), not queued. Changed and drifted items are pushed by `push-item`.
 */
export const reconcileConnection = inngest.createFunction(
  {
    id: "reconcile-connection",
    triggers: [reconcileRequested],
    singleton: { key: "event.data.connectionId", mode: "skip" },
    retries: 3,
    onFailure: async ({ event, error }) => {
      const { tenantId, connectionId } = event.data.event.data;
      const running = await db.syncRun.findFirst({ where: { tenantId, connectionId, status: "RUNNING" }, orderBy: { startedAt: "desc" }, select: { id: true } });
      if (running) {
        await failSyncRun(db, tenantId, running.id, error.message);
        await emitSyncRunResult(db, tenantId, running.id, sendOutboundEvents);
      }
    },
  },
  async ({ event, step }) => {
    const { tenantId, connectionId, mode, trigger } = event.data;
    const run = await step.run("start", async () => {
      const connection = await db.connection.findFirstOrThrow({ where: { id: connectionId, tenantId }, select: { lastSyncAt: true, direction: true } });
      const incremental = mode === "incremental" && connection.direction === "SOURCE" && connection.lastSyncAt;
      const started = await startSyncRun(db, { tenantId, connectionId, trigger, mode: incremental ? "INCREMENTAL" : "FULL" });
      return { ...started, direction: connection.direction, updatedSince: incremental ? connection.lastSyncAt!.toISOString() : null };
    });
    let cursor: string | null = null;
    let pages = 0;
    const toPush = new Map<string, { itemId: string; connectionId: string; externalId: string }>();
    do {
      const outcome: { nextCursor: string | null; push: { itemId: string; connectionId: string; externalId: string }[] } = await step.run(`page-${pages}`, async () => {
        try {
          const connector = await connectorForConnection(db, tenantId, connectionId);
          if (run.direction === "CHANNEL") {
            // A channel's run is a drift check: what the storefront shows against the canonical stock.
            const page = await (connector as ChannelConnector).listStock({ cursor: cursor ?? undefined });
            const { drifted } = await channelDriftPage(db, run, page);
            return { nextCursor: page.nextCursor, push: drifted.map((d) => ({ ...d, connectionId })) };
          }
          const page = await (connector as SourceConnector).listStock({ cursor: cursor ?? undefined, updatedSince: run.updatedSince ? new Date(run.updatedSince) : undefined });
          const result = await reconcilePage(db, run, page);
          await emitStockChanges(db, tenantId, result.applied, { kind: "reconcile", connectionId, syncRunId: run.id }, sendOutboundEvents);
          return { nextCursor: page.nextCursor, push: await pushTargets(tenantId, result.changedItemIds) };
        } catch (error) {
          await db.syncRun.update({ where: { id: run.id }, data: { errorCount: { increment: 1 }, lastError: error instanceof Error ? error.message.slice(0, 1000) : String(error) } });
          throw error;
        }
      });
      for (const target of outcome.push) toPush.set(`${target.itemId}:${target.connectionId}`, target);
      cursor = outcome.nextCursor;
      pages += 1;
    } while (cursor);
    const vanished = await step.run("finish", async () => {
      const { vanishedItemIds, archived } = await finishSyncRun(db, run, new Date(), { archiveVanished: run.direction === "SOURCE" });
      await emitStockChanges(db, tenantId, archived, { kind: "reconcile", connectionId, syncRunId: run.id }, sendOutboundEvents);
      await emitSyncRunResult(db, tenantId, run.id, sendOutboundEvents);
      return pushTargets(tenantId, vanishedItemIds);
    });
    for (const target of vanished) toPush.set(`${target.itemId}:${target.connectionId}`, target);
    const pushes = [...toPush.values()].map((t) => channelPush.create({ tenantId, ...t, syncRunId: run.id }));
    if (pushes.length) await step.sendEvent("push-changed-items", pushes);
    return { syncRunId: run.id, pages, pushes: pushes.length };
  },
);

/** Every linked channel of the given items, for pushing them. */
async function pushTargets(tenantId: string, itemIds: string[]) {
  const perItem = await Promise.all(itemIds.map(async (itemId) => (await channelTargets(db, tenantId, itemId)).map((target) => ({ itemId, ...target }))));
  return perItem.flat();
}

/** Every 5 minutes: start the reconciles whose schedule (1h/3h/6h/12h/24h) is due. */
export const scheduleReconciles = inngest.createFunction(
  { id: "schedule-reconciles", triggers: [{ cron: "*/5 * * * *" }], concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const due = await step.run("find-due", () => dueReconciles(db));
    if (due.length) await step.sendEvent("request", due.map((d) => reconcileRequested.create({ ...d, trigger: "SCHEDULE" })));
    return { requested: due.length };
  },
);
