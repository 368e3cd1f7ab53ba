import type { PrismaClient } from "@/generated/prisma/client";
import { channelQuantity, isChannelConnector, RateLimitedError, type ChannelConnector, type SourceConnector } from "@/server/connectors";
import { scopeToTenant } from "@/server/tenancy/tenant-db";

/**
 * Pushing an item's canonical stock to a storefront. The push always sends the item's state at
 * push time (never the state some older event computed), so a late retry cannot regress a
 * channel. Consecutive failures open a per-connection circuit breaker: while it is open the
 * platform is not called at all and the push waits for the breaker to close.
 */
export const CIRCUIT_FAILURE_THRESHOLD = 5;
/** Read directly (validated by src/env.ts at start-up) so the module also loads in unit tests. */
export const CIRCUIT_OPEN_MS = Number(process.env.STOCKHOOK_CIRCUIT_OPEN_MS ?? 60_000);

export class ChannelUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = "ChannelUnavailableError";
  }
}

export interface PushTarget {
  connectionId: string;
  externalId: string;
}

/** The item's links to active channel connections. */
export async function channelTargets(prisma: PrismaClient, tenantId: string, itemId: string): Promise<PushTarget[]> {
  const links = await scopeToTenant(prisma, tenantId).itemLink.findMany({
    where: { itemId, connection: { direction: "CHANNEL", status: "ACTIVE" } },
    select: { connectionId: true, externalId: true },
    orderBy: { connectionId: "asc" },
  });
  return links;
}

export interface PushRequest extends PushTarget {
  tenantId: string;
  itemId: string;
  webhookEventId?: string;
  syncRunId?: string;
}

export type ConnectorLookup = (tenantId: string, connectionId: string) => Promise<SourceConnector | ChannelConnector>;

export async function pushToChannel(prisma: PrismaClient, connectorFor: ConnectorLookup, request: PushRequest, now = new Date()) {
  const db = scopeToTenant(prisma, request.tenantId);
  const connection = await db.connection.findFirstOrThrow({ where: { id: request.connectionId }, select: { name: true, provider: true, circuitOpenUntil: true } });
  if (connection.circuitOpenUntil && connection.circuitOpenUntil > now) {
    throw new ChannelUnavailableError(`circuit open for ${connection.name} after repeated failures`, connection.circuitOpenUntil.getTime() - now.getTime());
  }
  const item = await db.item.findFirstOrThrow({ where: { id: request.itemId }, select: { quantity: true, status: true } });
  const existing = await db.channelPush.findFirst({
    where: { connectionId: request.connectionId, itemId: request.itemId, webhookEventId: request.webhookEventId ?? null, syncRunId: request.syncRunId ?? null },
    select: { id: true },
  });
  const push = existing
    ? await db.channelPush.update({ where: { id: existing.id }, data: { attempts: { increment: 1 }, quantity: item.quantity, status: item.status }, select: { id: true } })
    : await db.channelPush.create({
        data: { tenantId: request.tenantId, connectionId: request.connectionId, itemId: request.itemId, webhookEventId: request.webhookEventId, syncRunId: request.syncRunId, quantity: item.quantity, status: item.status, attempts: 1 },
        select: { id: true },
      });
  // What the channel showed when Stockhook last saw it: Shopify's compare-and-set quotes it.
  const link = connection.provider === "SHOPIFY" ? await db.itemLink.findFirst({ where: { connectionId: request.connectionId, itemId: request.itemId }, select: { id: true, channelQuantity: true } }) : null;
  try {
    const connector = await connectorFor(request.tenantId, request.connectionId);
    if (!isChannelConnector(connector)) throw new Error(`${connection.name} is not a storefront`);
    const shown = await connector.setStock({ externalId: request.externalId, quantity: item.quantity, status: item.status, lastSeenQuantity: link?.channelQuantity ?? undefined });
    if (link) await db.itemLink.update({ where: { id: link.id }, data: { channelQuantity: shown?.quantity ?? channelQuantity(item) } });
  } catch (error) {
    // The write may have applied without an answer: the retry reads the channel afresh.
    if (link?.channelQuantity != null) await db.itemLink.update({ where: { id: link.id }, data: { channelQuantity: null } });
    const message = error instanceof Error ? error.message : String(error);
    await db.channelPush.update({ where: { id: push.id }, data: { state: "PENDING", error: message.slice(0, 500) } });
    const failures = await db.connection.update({
      where: { id: request.connectionId },
      data: { consecutiveFailures: { increment: 1 } },
      select: { consecutiveFailures: true },
    });
    if (failures.consecutiveFailures >= CIRCUIT_FAILURE_THRESHOLD) {
      await db.connection.update({ where: { id: request.connectionId }, data: { circuitOpenUntil: new Date(now.getTime() + CIRCUIT_OPEN_MS) } });
    }
    if (error instanceof RateLimitedError) throw new ChannelUnavailableError(message, error.retryAfterMs);
    throw error;
  }
  const pushedAt = new Date();
  await db.channelPush.update({ where: { id: push.id }, data: { state: "SUCCEEDED", error: null, pushedAt } });
  await db.connection.update({ where: { id: request.connectionId }, data: { consecutiveFailures: 0, circuitOpenUntil: null } });
  return { pushId: push.id, quantity: item.quantity, status: item.status, pushedAt: pushedAt.toISOString() };
}

/** After the last retry: the pushes of a failed event stay visible as FAILED with their error. */
export async function failPendingPushes(prisma: PrismaClient, tenantId: string, webhookEventId: string, error: string) {
  await scopeToTenant(prisma, tenantId).channelPush.updateMany({
    where: { webhookEventId, state: "PENDING" },
    data: { state: "FAILED", error: error.slice(0, 500) },
  });
}
