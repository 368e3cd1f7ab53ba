import type { PrismaClient } from "@/generated/prisma/client";
import type { ItemState } from "@/server/inventory/apply-change";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import {
  outboundEventId,
  PAYLOAD_VERSION,
  type ItemRef,
  type OutboundEventData,
  type OutboundEventType,
  type OutboundPayload,
  type SourceRef,
} from "./event-types";
import { logger } from "@/server/logger";

/**
 * Turning what the stock pipeline did into outbound events. Everything here is best effort and
 * bounded: it runs inside a pipeline step after the stock work is done, a tenant with no enabled
 * endpoint for these types costs one indexed query, and any error (database, Inngest) is logged
 * and swallowed — outbound webhooks never fail or hold up a stock change or a storefront push.
 */
export type OutboundSender = (payloads: OutboundPayload[]) => Promise<unknown>;

/** How long emitting may hold a pipeline step before it is abandoned. */
export const EMIT_TIMEOUT_MS = 2_000;

export interface AppliedChange {
  itemId: string;
  version: number;
  before: ItemState;
  after: ItemState;
}

type Builder = (context: {
  tenant: { id: string; slug: string };
  items: (ids: string[]) => Promise<Map<string, ItemRef>>;
}) => Promise<OutboundPayload[]>;

function envelope<T extends OutboundEventType>(
  tenant: { id: string; slug: string },
  type: T,
  id: string,
  data: OutboundEventData[T],
  timestamp = new Date(),
): OutboundPayload<T> {
  return { id, type, version: PAYLOAD_VERSION, timestamp: timestamp.toISOString(), tenant, data };
}

async function emit(
  prisma: PrismaClient,
  tenantId: string,
  types: OutboundEventType[],
  send: OutboundSender,
  build: Builder,
): Promise<number> {
  const work = async () => {
    const db = scopeToTenant(prisma, tenantId);
    const subscribed = await db.webhookEndpoint.findFirst({
      where: { enabled: true, eventTypes: { hasSome: types } },
      select: { id: true },
    });
    if (!subscribed) return 0;
    const tenant = await db.tenant.findFirstOrThrow({ where: { id: tenantId }, select: { id: true, slug: true } });
    const items = async (ids: string[]) =>
      new Map(
        (await db.item.findMany({ where: { id: { in: ids } }, select: { id: true, sku: true, title: true } })).map(
          (item) => [item.id, item],
        ),
      );
    const payloads = await build({ tenant, items });
    if (payloads.length) await send(payloads);
    return payloads.length;
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<number>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`gave up after ${EMIT_TIMEOUT_MS} ms`)), EMIT_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    logger.error(
      { area: "outbound", tenantId, types, error: error instanceof Error ? error.message : String(error) },
      `could not emit ${types.join("/")} for tenant ${tenantId}`,
    );
    return 0;
  } finally {
    clearTimeout(timer);
  }
}

/** `inventory.updated` for every applied change, and `item.sold` for those that made an item Sold. */
export function emitStockChanges(
  prisma: PrismaClient,
  tenantId: string,
  changes: AppliedChange[],
  source: SourceRef,
  send: OutboundSender,
): Promise<number> {
  if (changes.length === 0) return Promise.resolve(0);
  return emit(prisma, tenantId, ["inventory.updated", "item.sold"], send, async ({ tenant, items }) => {
    const byId = await items(changes.map((change) => change.itemId));
    return changes.flatMap((change) => {
      const item = byId.get(change.itemId);
      if (!item) return [];
      // The item's version numbers its changes, so (item, version) names this one change forever.
      const updated = envelope(
        tenant,
        "inventory.updated",
        outboundEventId("inventory.updated", item.id, change.version),
        { item, before: change.before, after: change.after, itemVersion: change.version, source },
      );
      if (change.after.status !== "SOLD" || change.before.status === "SOLD") return [updated];
      return [
        updated,
        envelope(tenant, "item.sold", outboundEventId("item.sold", item.id, change.version), {
          item,
          before: change.before,
          after: change.after,
          source,
        }),
      ];
    });
  });
}

export interface SyncedPush {
  pushId: string;
  itemId: string;
  connectionId: string;
  externalId: string;
  quantity: number;
  status: OutboundEventData["product.synced"]["status"];
  pushedAt: string;
  webhookEventId?: string;
  syncRunId?: string;
}

export function emitProductSynced(
  prisma: PrismaClient,
  tenantId: string,
  push: SyncedPush,
  send: OutboundSender,
): Promise<number> {
  return emitProductSyncedMany(prisma, tenantId, [push], send);
}

/** `product.synced` once per landed push row; a bulk push's rows go out in one send. */
export function emitProductSyncedMany(
  prisma: PrismaClient,
  tenantId: string,
  pushes: readonly SyncedPush[],
  send: OutboundSender,
): Promise<number> {
  if (pushes.length === 0) return Promise.resolve(0);
  return emit(prisma, tenantId, ["product.synced"], send, async ({ tenant, items }) => {
    const found = await items([...new Set(pushes.map((push) => push.itemId))]);
    const channels = new Map(
      (
        await scopeToTenant(prisma, tenantId).connection.findMany({
          where: { id: { in: [...new Set(pushes.map((push) => push.connectionId))] } },
          select: { id: true, name: true },
        })
      ).map((channel) => [channel.id, channel.name]),
    );
    return pushes.flatMap((push) => {
      const item = found.get(push.itemId);
      const name = channels.get(push.connectionId);
      if (!item || name === undefined) return [];
      const { pushId, itemId: _itemId, connectionId, externalId, ...rest } = push;
      return [
        envelope(tenant, "product.synced", outboundEventId("product.synced", pushId, push.pushedAt), {
          item,
          channel: { connectionId, name, externalId },
          ...rest,
        }),
      ];
    });
  });
}

/** `sync.failed` for storefront pushes that gave up after their last retry. */
export function emitPushFailures(
  prisma: PrismaClient,
  tenantId: string,
  where: { webhookEventId?: string; pushIds?: string[] },
  send: OutboundSender,
): Promise<number> {
  return emit(prisma, tenantId, ["sync.failed"], send, async ({ tenant }) => {
    const pushes = await scopeToTenant(prisma, tenantId).channelPush.findMany({
      where: {
        state: "FAILED",
        ...(where.webhookEventId ? { webhookEventId: where.webhookEventId } : { id: { in: where.pushIds ?? [] } }),
      },
      select: {
        id: true,
        error: true,
        webhookEventId: true,
        syncRunId: true,
        itemId: true,
        connection: { select: { id: true, name: true } },
      },
    });
    const items = new Map(
      (
        await scopeToTenant(prisma, tenantId).item.findMany({
          where: { id: { in: pushes.map((p) => p.itemId) } },
          select: { id: true, sku: true, title: true },
        })
      ).map((i) => [i.id, i]),
    );
    return pushes.flatMap((push) => {
      const item = items.get(push.itemId);
      if (!item) return [];
      const data = {
        kind: "push" as const,
        item,
        channel: { connectionId: push.connection.id, name: push.connection.name },
        reason: push.error ?? "unknown error",
        ...(push.webhookEventId ? { webhookEventId: push.webhookEventId } : {}),
        ...(push.syncRunId ? { syncRunId: push.syncRunId } : {}),
      };
      return [envelope(tenant, "sync.failed", outboundEventId("sync.failed", "push", push.id), data)];
    });
  });
}

/** `sync.completed` or `sync.failed` for a finished reconcile run, from the stored run. */
export function emitSyncRunResult(
  prisma: PrismaClient,
  tenantId: string,
  syncRunId: string,
  send: OutboundSender,
): Promise<number> {
  return emit(prisma, tenantId, ["sync.completed", "sync.failed"], send, async ({ tenant }) => {
    const run = await scopeToTenant(prisma, tenantId).syncRun.findFirst({
      where: { id: syncRunId },
      include: { connection: { select: { id: true, name: true, direction: true } } },
    });
    if (!run || (run.status !== "SUCCEEDED" && run.status !== "FAILED")) return [];
    const connection = { id: run.connection.id, name: run.connection.name, direction: run.connection.direction };
    if (run.status === "FAILED") {
      return [
        envelope(tenant, "sync.failed", outboundEventId("sync.failed", "reconcile", run.id), {
          kind: "reconcile",
          syncRunId: run.id,
          connection,
          reason: run.lastError ?? "unknown error",
        }),
      ];
    }
    return [
      envelope(tenant, "sync.completed", outboundEventId("sync.completed", run.id), {
        syncRunId: run.id,
        connection,
        trigger: run.trigger,
        mode: run.mode,
        pages: run.pages,
        itemsScanned: run.itemsScanned,
        itemsChanged: run.itemsChanged,
        itemsCreated: run.itemsCreated,
        itemsVanished: run.itemsVanished,
        errorCount: run.errorCount,
        startedAt: run.startedAt.toISOString(),
        finishedAt: (run.finishedAt ?? new Date()).toISOString(),
      }),
    ];
  });
}

/** The applied changes among a list of stock-engine outcomes. */
export function appliedChanges(outcomes: ({ kind: string } & Partial<AppliedChange>)[]): AppliedChange[] {
  return outcomes.flatMap((o) =>
    o.kind === "applied" && o.itemId && o.before && o.after && o.version !== undefined
      ? [{ itemId: o.itemId, version: o.version, before: o.before, after: o.after }]
      : [],
  );
}
