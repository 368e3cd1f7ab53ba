import type { ItemStatus, PrismaClient, Provider } from "@/generated/prisma/client";
import { countStockChanges } from "@/server/metrics/observe";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { foldItem } from "./fold";
import type { ItemState } from "./stock-rules";

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

export { DEFAULT_LOCATION, REPLAY_MEMORY_MS, type ItemState } from "./stock-rules";

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

type Transaction = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * The change itself, on an item whose row lock the caller's transaction already holds: the rules
 * are foldItem's (one change is a fold of one), and this writes what the fold decided.
 */
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
      levels: { select: { locationId: true, quantity: true } },
      tenant: { select: { safetyBuffer: true, sellingLocations: true } },
    },
  });
  const key = "change";
  const folded = foldItem(item, [{ ...change, key, order: key }], item.tenant);
  for (const level of folded.levels)
    await tx.stockLevel.upsert({
      where: { itemId_locationId: { itemId: level.itemId, locationId: level.locationId } },
      create: { tenantId, ...level },
      update: { quantity: level.quantity },
    });
  if (folded.item) {
    const { id, ...data } = folded.item;
    await tx.item.update({ where: { id }, data });
  }
  if (folded.stockChanges.length)
    await tx.stockChange.createMany({ data: folded.stockChanges.map((row) => ({ tenantId, ...row })) });
  return folded.outcomes.get(key)!;
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
