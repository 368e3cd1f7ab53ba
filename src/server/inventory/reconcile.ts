import type { PrismaClient, SyncMode, SyncTrigger } from "@/generated/prisma/client";
import { channelQuantity, type SourceStockItem, type StockPage } from "@/server/connectors";
import { observeReconcileEnd } from "@/server/metrics/observe";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { applyStockChangesInBatches, DEFAULT_LOCATION, type ApplyOutcome, type StockChangeInput } from "./apply-change";

/**
 * The safety net: page through a source's catalogue and bring the canonical items in line with
 * it. Each page is one unit of work (the durable function runs one per step, so a crash resumes
 * at the page it reached), and its progress is written to the SyncRun as it goes.
 */
export interface SyncRunRef {
  id: string;
  tenantId: string;
  connectionId: string;
  mode: SyncMode;
}

export async function startSyncRun(
  prisma: PrismaClient,
  input: { tenantId: string; connectionId: string; trigger: SyncTrigger; mode: SyncMode },
): Promise<SyncRunRef> {
  const run = await scopeToTenant(prisma, input.tenantId).syncRun.create({
    data: {
      tenantId: input.tenantId,
      connectionId: input.connectionId,
      trigger: input.trigger,
      mode: input.mode,
      status: "RUNNING",
    },
    select: { id: true, tenantId: true, connectionId: true, mode: true },
  });
  return run;
}

export interface PageOutcome {
  scanned: number;
  changed: number;
  created: number;
  changedItemIds: string[];
  /** The changes themselves (before, after, the item's new version), for outbound webhooks. */
  applied: Extract<ApplyOutcome, { kind: "applied" }>[];
}

function sourceStatus(item: SourceStockItem) {
  return item.status === "AVAILABLE" || item.status === "OUT_OF_STOCK" ? undefined : item.status;
}

export async function reconcilePage(
  prisma: PrismaClient,
  run: SyncRunRef,
  page: StockPage,
  options: { batchSize?: number; onBatch?: (size: number) => void } = {},
): Promise<PageOutcome> {
  const db = scopeToTenant(prisma, run.tenantId);
  const externalIds = page.items.map((item) => item.externalId);
  const linkSelect = {
    id: true,
    externalId: true,
    itemId: true,
    item: { select: { status: true, levels: { select: { locationId: true, quantity: true } } } },
  } as const;
  const links = await db.itemLink.findMany({
    where: { connectionId: run.connectionId, externalId: { in: externalIds } },
    select: linkSelect,
  });
  const byExternalId = new Map(links.map((link) => [link.externalId, link]));
  const outcome: PageOutcome = { scanned: page.items.length, changed: 0, created: 0, changedItemIds: [], applied: [] };

  const unlinked = page.items.filter((source) => !byExternalId.has(source.externalId));
  if (unlinked.length) {
    outcome.created = await linkNewProducts(prisma, run, unlinked);
    const created = await db.itemLink.findMany({
      where: { connectionId: run.connectionId, externalId: { in: unlinked.map((s) => s.externalId) } },
      select: linkSelect,
    });
    for (const link of created) byExternalId.set(link.externalId, link);
  }
  const isNew = new Set(unlinked.map((source) => source.externalId));

  const changes: (StockChangeInput & { itemId: string })[] = [];
  for (const source of page.items) {
    const link = byExternalId.get(source.externalId);
    if (!link) continue;
    const locationId = source.locationId ?? DEFAULT_LOCATION;
    const level = link.item.levels.find((l) => l.locationId === locationId);
    const reported = sourceStatus(source);
    const drifted = level?.quantity !== source.quantity || (reported !== undefined && reported !== link.item.status);
    if (!drifted && !isNew.has(source.externalId)) continue;
    changes.push({
      itemId: link.itemId,
      connectionId: run.connectionId,
      externalId: source.externalId,
      quantity: source.quantity,
      status: reported,
      locationId,
      sourceAt: source.updatedAt,
      source: "reconcile",
      syncRunId: run.id,
    });
  }
  const applied = await applyStockChangesInBatches(prisma, run.tenantId, changes, options);
  for (const [index, result] of applied.entries()) {
    // A new product's first stock is part of creating it, not a change to count.
    if (result.kind !== "applied" || isNew.has(changes[index]!.externalId)) continue;
    outcome.changed += 1;
    outcome.changedItemIds.push(result.itemId);
    outcome.applied.push(result);
  }
  if (run.mode === "FULL" && externalIds.length) {
    await db.itemLink.updateMany({
      where: { connectionId: run.connectionId, externalId: { in: externalIds } },
      data: { lastSeenSyncRunId: run.id },
    });
  }
  await db.syncRun.update({
    where: { id: run.id },
    data: {
      pages: { increment: 1 },
      itemsScanned: { increment: outcome.scanned },
      itemsChanged: { increment: outcome.changed },
      itemsCreated: { increment: outcome.created },
      cursor: page.nextCursor,
    },
  });
  return outcome;
}

/**
 * Products the source has and Stockhook does not: items (matched to an existing one by SKU, else
 * new) and their links, with two multi-row inserts. Returns how many links were made.
 */
async function linkNewProducts(prisma: PrismaClient, run: SyncRunRef, sources: SourceStockItem[]): Promise<number> {
  const db = scopeToTenant(prisma, run.tenantId);
  const skuOf = (source: SourceStockItem) => source.sku || `${run.connectionId}:${source.externalId}`;
  await db.item.createMany({
    data: sources.map((source) => ({
      tenantId: run.tenantId,
      sku: skuOf(source),
      title: source.title,
      quantity: 0,
      oneOfAKind: source.oneOfAKind ?? false,
    })),
    skipDuplicates: true,
  });
  const items = await db.item.findMany({ where: { sku: { in: sources.map(skuOf) } }, select: { id: true, sku: true } });
  const itemIdBySku = new Map(items.map((item) => [item.sku, item.id]));
  const { count } = await db.itemLink.createMany({
    data: sources.flatMap((source) => {
      const itemId = itemIdBySku.get(skuOf(source));
      return itemId
        ? [
            {
              tenantId: run.tenantId,
              itemId,
              connectionId: run.connectionId,
              externalId: source.externalId,
              lastSeenSyncRunId: run.mode === "FULL" ? run.id : null,
            },
          ]
        : [];
    }),
    // An item already linked to this connection under another external id keeps its link.
    skipDuplicates: true,
  });
  return count;
}

/**
 * Ends a run. After a full scan of a source, products it no longer has are archived (their links
 * were not seen by this run); an incremental scan cannot tell, and a channel's listing says
 * nothing about what exists, so those leave them.
 */
export async function finishSyncRun(
  prisma: PrismaClient,
  run: SyncRunRef,
  now = new Date(),
  options: { archiveVanished?: boolean } = {},
): Promise<{ vanishedItemIds: string[]; archived: Extract<ApplyOutcome, { kind: "applied" }>[] }> {
  const db = scopeToTenant(prisma, run.tenantId);
  const vanishedItemIds: string[] = [];
  const archived: Extract<ApplyOutcome, { kind: "applied" }>[] = [];
  if (run.mode === "FULL" && (options.archiveVanished ?? true)) {
    const vanished = await db.itemLink.findMany({
      where: {
        connectionId: run.connectionId,
        OR: [{ lastSeenSyncRunId: null }, { lastSeenSyncRunId: { not: run.id } }],
        item: { status: { not: "ARCHIVED" } },
      },
      select: { itemId: true, externalId: true },
    });
    const outcomes = await applyStockChangesInBatches(
      prisma,
      run.tenantId,
      vanished.map((link) => ({
        itemId: link.itemId,
        connectionId: run.connectionId,
        externalId: link.externalId,
        status: "ARCHIVED" as const,
        sourceAt: now,
        source: "reconcile: gone from source",
        syncRunId: run.id,
      })),
    );
    for (const outcome of outcomes) {
      if (outcome.kind !== "applied") continue;
      vanishedItemIds.push(outcome.itemId);
      archived.push(outcome);
    }
  }
  // A run cancelled meanwhile stays cancelled: only a running run becomes SUCCEEDED.
  const [finished] = await db.syncRun.updateManyAndReturn({
    where: { id: run.id, status: "RUNNING" },
    data: {
      status: "SUCCEEDED",
      finishedAt: now,
      itemsVanished: vanishedItemIds.length,
      cursor: null,
      nextAttemptAt: null,
    },
    select: { startedAt: true },
  });
  if (!finished) return { vanishedItemIds, archived };
  const { startedAt } = finished;
  const { provider } = await db.connection.update({
    where: { id: run.connectionId },
    data: { lastSyncAt: now, ...(run.mode === "FULL" ? { lastFullSyncAt: now } : {}) },
    select: { provider: true },
  });
  observeReconcileEnd({ provider, mode: run.mode, startedAt }, "succeeded", now);
  return { vanishedItemIds, archived };
}

/**
 * A channel's listing compared with the canonical stock: the items the storefront shows
 * differently (most dangerously, available when the canonical item is sold). They are corrected
 * by pushing the canonical state again.
 */
export async function channelDriftPage(
  prisma: PrismaClient,
  run: SyncRunRef,
  page: StockPage,
): Promise<{ scanned: number; drifted: { itemId: string; externalId: string }[] }> {
  const db = scopeToTenant(prisma, run.tenantId);
  const links = await db.itemLink.findMany({
    where: { connectionId: run.connectionId, externalId: { in: page.items.map((item) => item.externalId) } },
    select: { externalId: true, itemId: true, item: { select: { quantity: true, status: true } } },
  });
  const byExternalId = new Map(links.map((link) => [link.externalId, link]));
  const drifted = page.items.flatMap((shown) => {
    const link = byExternalId.get(shown.externalId);
    if (!link) return [];
    return channelQuantity(link.item) === channelQuantity(shown)
      ? []
      : [{ itemId: link.itemId, externalId: link.externalId }];
  });
  await db.syncRun.update({
    where: { id: run.id },
    data: {
      pages: { increment: 1 },
      itemsScanned: { increment: page.items.length },
      itemsChanged: { increment: drifted.length },
      cursor: page.nextCursor,
    },
  });
  return { scanned: page.items.length, drifted };
}

export async function failSyncRun(prisma: PrismaClient, tenantId: string, syncRunId: string, error: string) {
  const finishedAt = new Date();
  const failed = await scopeToTenant(prisma, tenantId).syncRun.updateManyAndReturn({
    where: { id: syncRunId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "FAILED", finishedAt, lastError: error.slice(0, 1000), errorCount: { increment: 1 } },
    select: { mode: true, startedAt: true, connection: { select: { provider: true } } },
  });
  for (const run of failed)
    observeReconcileEnd(
      { provider: run.connection.provider, mode: run.mode, startedAt: run.startedAt },
      "failed",
      finishedAt,
    );
}
