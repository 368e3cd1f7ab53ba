import type { ItemStatus, PrismaClient, Provider } from "@/generated/prisma/client";
import { countStockChanges } from "@/server/metrics/observe";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { describeChange, sellableQuantity, statusFor } from "./stock-rules";

/**
 * Applies one reported stock change to the canonical item in ONE transaction: the location
 * level, the sellable quantity and status, the version, and the StockChange audit row. The
 * item row is locked for the transaction, and a change older than the last one applied is
 * STALE and changes nothing, so out-of-order and concurrent deliveries never regress stock.
 *
 * A webhook change whose source time equals the item's last one is a DUPLICATE — a replayed copy,
 * not a new change — once that time is older than REPLAY_MEMORY_MS. Younger copies never get this
 * far: the front door remembers delivery ids and signed bodies for as long (webhooks/ingest.ts),
 * and signed timestamps expire sooner, so an equal time inside that window is a second real change
 * made in the same second (timestamps with one-second resolution: two sales, a transfer between
 * two locations) and applies. A reconcile's reading always applies: it is the platform's current
 * state fetched over its API, and is what corrects a change this rule set aside.
 */
export interface StockChangeInput {
  connectionId: string;
  externalId: string;
  /** On-hand quantity at the location; undefined when the source reported only a status. */
  quantity?: number;
  status?: ItemStatus;
  locationId?: string;
  sourceAt: Date;
  source: string;
  webhookEventId?: string;
  syncRunId?: string;
}

export type ApplyOutcome =
  | { kind: "applied"; itemId: string; version: number; before: ItemState; after: ItemState; action: string }
  | { kind: "unchanged"; itemId: string; version: number; after: ItemState; action: string }
  | { kind: "stale"; itemId: string; action: string }
  | { kind: "duplicate"; itemId: string; action: string }
  | { kind: "skipped"; action: string };

export interface ItemState {
  quantity: number;
  status: ItemStatus;
}

export const DEFAULT_LOCATION = "default";
/** How long the front door remembers a delivery (ingest.ts DELIVERY_ID_MEMORY_MS): 72 hours. */
export const REPLAY_MEMORY_MS = 72 * 60 * 60 * 1000;

/** How each platform names the id a delivery carries, for "no local product for …" verdicts. */
export const EXTERNAL_ID_LABELS: Record<Provider, string> = {
  SAM: "sam_id",
  SHOPIFY: "Shopify inventory item",
  WOOCOMMERCE: "WooCommerce product",
  BIGCOMMERCE: "BigCommerce product",
  BUSINESS_CENTRAL: "Business Central item",
  STANDARD_WEBHOOKS: "external id",
};

export async function applyStockChange(
  prisma: PrismaClient,
  tenantId: string,
  change: StockChangeInput,
): Promise<ApplyOutcome> {
  const db = scopeToTenant(prisma, tenantId);
  const link = await db.itemLink.findFirst({
    where: { connectionId: change.connectionId, externalId: change.externalId },
    select: { itemId: true, connection: { select: { provider: true, baseUrl: true } } },
  });
  if (!link) {
    const connection = await db.connection.findFirst({
      where: { id: change.connectionId },
      select: { provider: true },
    });
    const skipped = {
      kind: "skipped" as const,
      action: `no local product for ${EXTERNAL_ID_LABELS[connection?.provider ?? "STANDARD_WEBHOOKS"]} ${change.externalId}`,
    };
    countStockChanges([change], [skipped]);
    return skipped;
  }

  const decided = await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM "Item" WHERE "id" = ${link.itemId} AND "tenantId" = ${tenantId} FOR UPDATE`;
    const outcome = await applyLocked(tx, tenantId, link.itemId, change);
    // Shopify reported its own level: that is now what Stockhook last saw on the same store as a
    // channel, the value its next compare-and-set push quotes (see docs/platforms.md). A stale or
    // replayed report is not the store's current level, so it leaves the last-seen value alone.
    if (
      link.connection.provider === "SHOPIFY" &&
      change.quantity !== undefined &&
      outcome.kind !== "stale" &&
      outcome.kind !== "duplicate"
    ) {
      await tx.itemLink.updateMany({
        where: {
          tenantId,
          itemId: link.itemId,
          connection: { provider: "SHOPIFY", direction: "CHANNEL", baseUrl: link.connection.baseUrl },
        },
        data: { channelQuantity: Math.max(0, change.quantity) },
      });
    }
    return outcome;
  });
  countStockChanges([change], [decided]);
  return decided;
}

function isReplayedWebhookChange(change: StockChangeInput, lastSourceAt: Date, now = Date.now()): boolean {
  return (
    change.source.startsWith("webhook") &&
    change.sourceAt.getTime() === lastSourceAt.getTime() &&
    now - change.sourceAt.getTime() > REPLAY_MEMORY_MS
  );
}

type Transaction = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** The change itself, on an item whose row lock the caller's transaction already holds. */
async function applyLocked(
  tx: Transaction,
  tenantId: string,
  itemId: string,
  change: StockChangeInput,
): Promise<ApplyOutcome> {
  const item = await tx.item.findFirstOrThrow({
    where: { id: itemId, tenantId },
    select: {
      id: true,
      quantity: true,
      status: true,
      oneOfAKind: true,
      version: true,
      lastSourceAt: true,
      tenant: { select: { safetyBuffer: true, sellingLocations: true } },
    },
  });
  if (item.lastSourceAt && change.sourceAt < item.lastSourceAt) {
    return {
      kind: "stale" as const,
      itemId: item.id,
      action: `older than the last applied change (${item.lastSourceAt.toISOString()})`,
    };
  }
  if (item.lastSourceAt && isReplayedWebhookChange(change, item.lastSourceAt)) {
    return {
      kind: "duplicate" as const,
      itemId: item.id,
      action: `same source time as the last applied change (${item.lastSourceAt.toISOString()}), older than the front door's 72 h memory: a replayed copy, not a new change`,
    };
  }
  if (change.quantity !== undefined) {
    const locationId = change.locationId ?? DEFAULT_LOCATION;
    await tx.stockLevel.upsert({
      where: { itemId_locationId: { itemId: item.id, locationId } },
      create: { tenantId, itemId: item.id, locationId, quantity: change.quantity },
      update: { quantity: change.quantity },
    });
  }
  const levels = await tx.stockLevel.findMany({
    where: { itemId: item.id, tenantId },
    select: { locationId: true, quantity: true },
  });
  const sellable = levels.length
    ? sellableQuantity(levels, item.tenant.sellingLocations, item.tenant.safetyBuffer)
    : item.quantity;
  const status = statusFor({ quantity: sellable, oneOfAKind: item.oneOfAKind, reported: change.status });
  const after: ItemState = { quantity: status === "SOLD" || status === "ARCHIVED" ? 0 : sellable, status };
  const before: ItemState = { quantity: item.quantity, status: item.status };

  if (after.quantity === before.quantity && after.status === before.status) {
    await tx.item.update({ where: { id: item.id }, data: { lastSourceAt: change.sourceAt } });
    return {
      kind: "unchanged" as const,
      itemId: item.id,
      version: item.version,
      after,
      action: describeChange(before, after),
    };
  }
  const updated = await tx.item.update({
    where: { id: item.id },
    data: { quantity: after.quantity, status: after.status, version: { increment: 1 }, lastSourceAt: change.sourceAt },
    select: { version: true },
  });
  await tx.stockChange.create({
    data: {
      tenantId,
      itemId: item.id,
      quantityBefore: before.quantity,
      quantityAfter: after.quantity,
      statusBefore: before.status,
      statusAfter: after.status,
      source: change.source,
      webhookEventId: change.webhookEventId,
      syncRunId: change.syncRunId,
    },
  });
  return {
    kind: "applied" as const,
    itemId: item.id,
    version: updated.version,
    before,
    after,
    action: describeChange(before, after),
  };
}

/** Rows per transaction when a reconcile applies many changes at once. */
export const BATCH_SIZE = 500;

/**
 * Many changes to already-linked items (a reconcile page), applied in transactions of at most
 * `batchSize` items: each batch locks its items in id order (so it cannot deadlock with another
 * batch or a webhook, which locks one item) and applies every change under the same rules as a
 * single webhook, STALE included. One commit per batch instead of one per item.
 */
export async function applyStockChangesInBatches(
  prisma: PrismaClient,
  tenantId: string,
  changes: (StockChangeInput & { itemId: string })[],
  options: { batchSize?: number; onBatch?: (size: number) => void } = {},
): Promise<ApplyOutcome[]> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const outcomes: ApplyOutcome[] = [];
  for (let start = 0; start < changes.length; start += batchSize) {
    const batch = changes.slice(start, start + batchSize);
    const itemIds = [...new Set(batch.map((change) => change.itemId))].sort();
    options.onBatch?.(batch.length);
    const decided = await prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT 1 FROM "Item" WHERE "id" = ANY(${itemIds}::text[]) AND "tenantId" = ${tenantId} ORDER BY "id" FOR UPDATE`;
        const applied: ApplyOutcome[] = [];
        for (const change of batch) applied.push(await applyLocked(tx, tenantId, change.itemId, change));
        return applied;
      },
      // A batch is hundreds of statements: more than the 5 s default an interactive transaction gets.
      { timeout: 120_000, maxWait: 30_000 },
    );
    countStockChanges(batch, decided);
    outcomes.push(...decided);
  }
  return outcomes;
}
