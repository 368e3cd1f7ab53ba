import type { PrismaClient, SyncMode, SyncTrigger } from "@/generated/prisma/client";
import { channelQuantity, type SourceStockItem, type StockPage } from "@/server/connectors";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { applyStockChange, DEFAULT_LOCATION } from "./apply-change";

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

export async function startSyncRun(prisma: PrismaClient, input: { tenantId: string; connectionId: string; trigger: SyncTrigger; mode: SyncMode }): Promise<SyncRunRef> {
  const run = await scopeToTenant(prisma, input.tenantId).syncRun.create({
    data: { tenantId: input.tenantId, connectionId: input.connectionId, trigger: input.trigger, mode: input.mode, status: "RUNNING" },
    select: { id: true, tenantId: true, connectionId: true, mode: true },
  });
  return run;
}

export interface PageOutcome {
  scanned: number;
  changed: number;
  created: number;
  changedItemIds: string[];
}

function sourceStatus(item: SourceStockItem) {
  return item.status === "AVAILABLE" || item.status === "OUT_OF_STOCK" ? undefined : item.status;
}

export async function reconcilePage(prisma: PrismaClient, run: SyncRunRef, page: StockPage): Promise<PageOutcome> {
  const db = scopeToTenant(prisma, run.tenantId);
  const externalIds = page.items.map((item) => item.externalId);
  const links = await db.itemLink.findMany({
    where: { connectionId: run.connectionId, externalId: { in: externalIds } },
    select: { id: true, externalId: true, itemId: true, item: { select: { status: true, levels: { select: { locationId: true, quantity: true } } } } },
  });
  const byExternalId = new Map(links.map((link) => [link.externalId, link]));
  const outcome: PageOutcome = { scanned: page.items.length, changed: 0, created: 0, changedItemIds: [] };

  for (const source of page.items) {
    const link = byExternalId.get(source.externalId);
    const locationId = source.locationId ?? DEFAULT_LOCATION;
    if (!link) {
      await createFromSource(prisma, run, source, locationId);
      outcome.created += 1;
      continue;
    }
    const level = link.item.levels.find((l) => l.locationId === locationId);
    const reported = sourceStatus(source);
    const drifted = level?.quantity !== source.quantity || (reported !== undefined && reported !== link.item.status);
    if (!drifted) continue;
    const applied = await applyStockChange(prisma, run.tenantId, {
      connectionId: run.connectionId,
      externalId: source.externalId,
      quantity: source.quantity,
      status: reported,
      locationId,
      sourceAt: source.updatedAt,
      source: "reconcile",
      syncRunId: run.id,
    });
    if (applied.kind === "applied") {
      outcome.changed += 1;
      outcome.changedItemIds.push(applied.itemId);
    }
  }
  if (run.mode === "FULL" && externalIds.length) {
    await db.itemLink.updateMany({ where: { connectionId: run.connectionId, externalId: { in: externalIds } }, data: { lastSeenSyncRunId: run.id } });
  }
  await db.syncRun.update({
    where: { id: run.id },
    data: { pages: { increment: 1 }, itemsScanned: { increment: outcome.scanned }, itemsChanged: { increment: outcome.changed }, itemsCreated: { increment: outcome.created }, cursor: page.nextCursor },
  });
  return outcome;
}

/** A product the source has and Stockhook does not: a new item, or a link to the item with its SKU. */
async function createFromSource(prisma: PrismaClient, run: SyncRunRef, source: SourceStockItem, locationId: string) {
  const db = scopeToTenant(prisma, run.tenantId);
  const existing = source.sku ? await db.item.findFirst({ where: { sku: source.sku }, select: { id: true } }) : null;
  const item =
    existing ??
    (await db.item.create({
      data: { tenantId: run.tenantId, sku: source.sku || `${run.connectionId}:${source.externalId}`, title: source.title, quantity: 0, oneOfAKind: source.oneOfAKind ?? false },
      select: { id: true },
    }));
  await db.itemLink.create({
    data: { tenantId: run.tenantId, itemId: item.id, connectionId: run.connectionId, externalId: source.externalId, lastSeenSyncRunId: run.mode === "FULL" ? run.id : null },
  });
  await applyStockChange(prisma, run.tenantId, {
    connectionId: run.connectionId,
    externalId: source.externalId,
    quantity: source.quantity,
    status: sourceStatus(source),
    locationId,
    sourceAt: source.updatedAt,
    source: "reconcile",
    syncRunId: run.id,
  });
}

/**
 * Ends a run. After a full scan of a source, products it no longer has are archived (their links
 * were not seen by this run); an incremental scan cannot tell, and a channel's listing says
 * nothing about what exists, so those leave them.
 */
export async function finishSyncRun(prisma: PrismaClient, run: SyncRunRef, now = new Date(), options: { archiveVanished?: boolean } = {}): Promise<{ vanishedItemIds: string[] }> {
  const db = scopeToTenant(prisma, run.tenantId);
  const vanishedItemIds: string[] = [];
  if (run.mode === "FULL" && (options.archiveVanished ?? true)) {
    const vanished = await db.itemLink.findMany({
      where: { connectionId: run.connectionId, OR: [{ lastSeenSyncRunId: null }, { lastSeenSyncRunId: { not: run.id } }], item: { status: { not: "ARCHIVED" } } },
      select: { itemId: true, externalId: true },
    });
    for (const link of vanished) {
      const outcome = await applyStockChange(prisma, run.tenantId, {
        connectionId: run.connectionId,
        externalId: link.externalId,
        status: "ARCHIVED",
        sourceAt: now,
        source: "reconcile: gone from source",
        syncRunId: run.id,
      });
      if (outcome.kind === "applied") vanishedItemIds.push(link.itemId);
    }
  }
  await db.syncRun.update({ where: { id: run.id }, data: { status: "SUCCEEDED", finishedAt: now, itemsVanished: vanishedItemIds.length, cursor: null } });
  await db.connection.update({ where: { id: run.connectionId }, data: { lastSyncAt: now, ...(run.mode === "FULL" ? { lastFullSyncAt: now } : {}) } });
  return { vanishedItemIds };
}

/**
 * A channel's listing compared with the canonical stock: the items the storefront shows
 * differently (most dangerously, available when the canonical item is sold). They are corrected
 * by pushing the canonical state again.
 */
export async function channelDriftPage(prisma: PrismaClient, run: SyncRunRef, page: StockPage): Promise<{ scanned: number; drifted: { itemId: string; externalId: string }[] }> {
  const db = scopeToTenant(prisma, run.tenantId);
  const links = await db.itemLink.findMany({
    where: { connectionId: run.connectionId, externalId: { in: page.items.map((item) => item.externalId) } },
    select: { externalId: true, itemId: true, item: { select: { quantity: true, status: true } } },
  });
  const byExternalId = new Map(links.map((link) => [link.externalId, link]));
  const drifted = page.items.flatMap((shown) => {
    const link = byExternalId.get(shown.externalId);
    if (!link) return [];
    return channelQuantity(link.item) === channelQuantity(shown) ? [] : [{ itemId: link.itemId, externalId: link.externalId }];
  });
  await db.syncRun.update({
    where: { id: run.id },
    data: { pages: { increment: 1 }, itemsScanned: { increment: page.items.length }, itemsChanged: { increment: drifted.length }, cursor: page.nextCursor },
  });
  return { scanned: page.items.length, drifted };
}

export async function failSyncRun(prisma: PrismaClient, tenantId: string, syncRunId: string, error: string) {
  await scopeToTenant(prisma, tenantId).syncRun.updateMany({
    where: { id: syncRunId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "FAILED", finishedAt: new Date(), lastError: error.slice(0, 1000), errorCount: { increment: 1 } },
  });
}
