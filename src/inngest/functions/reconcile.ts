import { RetryAfterError } from "inngest";
import type { SourceConnector } from "@/server/connectors";
import { db } from "@/server/db";
import { failSyncRun, finishSyncRun, reconcilePage, startSyncRun } from "@/server/inventory/reconcile";
import { dueReconciles } from "@/server/inventory/schedule";
import { ChannelUnavailableError, channelTargets, pushToChannel } from "@/server/pipeline/channel-push";
import { connectorForConnection } from "@/server/pipeline/connector-for";
import { inngest } from "../client";
import { channelPush, reconcileRequested } from "../events";

const sourceFor = async (tenantId: string, connectionId: string) => (await connectorForConnection(db, tenantId, connectionId)) as SourceConnector;

/**
 * stock/reconcile.requested: one page of the source catalogue per step, so a crash resumes at
 * the page it reached. One run per connection at a time: a request while one runs is skipped
 * (coalesced), not queued. Changed items are pushed to their channels by `push-item`.
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
      if (running) await failSyncRun(db, tenantId, running.id, error.message);
    },
  },
  async ({ event, step }) => {
    const { tenantId, connectionId, mode, trigger } = event.data;
    const run = await step.run("start", async () => {
      const connection = await db.connection.findFirst({ where: { id: connectionId, tenantId }, select: { lastSyncAt: true } });
      const started = await startSyncRun(db, { tenantId, connectionId, trigger, mode: mode === "full" || !connection?.lastSyncAt ? "FULL" : "INCREMENTAL" });
      return { ...started, updatedSince: mode === "incremental" ? (connection?.lastSyncAt?.toISOString() ?? null) : null };
    });
    let cursor: string | null = null;
    let pages = 0;
    const changed = new Set<string>();
    do {
      const outcome: { nextCursor: string | null; changedItemIds: string[] } = await step.run(`page-${pages}`, async () => {
        try {
          const source = await sourceFor(tenantId, connectionId);
          const page = await source.listStock({ cursor: cursor ?? undefined, updatedSince: run.updatedSince ? new Date(run.updatedSince) : undefined });
          const result = await reconcilePage(db, run, page);
          return { nextCursor: page.nextCursor, changedItemIds: result.changedItemIds };
        } catch (error) {
          await db.syncRun.update({ where: { id: run.id }, data: { errorCount: { increment: 1 }, lastError: error instanceof Error ? error.message.slice(0, 1000) : String(error) } });
          throw error;
        }
      });
      outcome.changedItemIds.forEach((id) => changed.add(id));
      cursor = outcome.nextCursor;
      pages += 1;
    } while (cursor);
    const { vanishedItemIds } = await step.run("finish", () => finishSyncRun(db, run));
    const toPush = [...new Set([...changed, ...vanishedItemIds])];
    const targets = await step.run("channel-targets", async () =>
      (await Promise.all(toPush.map(async (itemId) => (await channelTargets(db, tenantId, itemId)).map((target) => ({ itemId, ...target }))))).flat(),
    );
    const pushes = targets.map((t) => channelPush.create({ tenantId, itemId: t.itemId, connectionId: t.connectionId, externalId: t.externalId, syncRunId: run.id }));
    if (pushes.length) await step.sendEvent("push-changed-items", pushes);
    return { syncRunId: run.id, pages, changed: changed.size, vanished: vanishedItemIds.length, pushes: pushes.length };
  },
);

/** stock/channel.push: one item to one storefront, with the same retries and breaker as webhooks. */
export const pushItem = inngest.createFunction(
  { id: "push-item", triggers: [channelPush], retries: 6, concurrency: [{ key: "event.data.connectionId", limit: 5 }] },
  async ({ event, step }) =>
    step.run("push", async () => {
      try {
        return await pushToChannel(db, (tenantId, connectionId) => connectorForConnection(db, tenantId, connectionId), event.data);
      } catch (error) {
        if (error instanceof ChannelUnavailableError) throw new RetryAfterError(error.message, Math.max(1_000, error.retryAfterMs));
        throw error;
      }
    }),
);

/** Every 5 minutes: start the reconciles whose schedule (1h/3h/6h/12h/24h) is due. */
export const scheduleReconciles = inngest.createFunction(
  { id: "schedule-reconciles", triggers: [{ cron: "*/5 * * * *" }], concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const due = await step.run("find-due", () => dueReconciles(db));
    if (due.length) await step.sendEvent("request", due.map((d) => reconcileRequested.create({ ...d, trigger: "SCHEDULE" })));
    return { requested: due.length };
  },
);
