import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnector, type SourceConnector } from "@/server/connectors";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { connectorConfigFor, createSimulator, type Simulator } from "@sim";
import { channelDriftPage, finishSyncRun, reconcilePage, startSyncRun, type SyncRunRef } from "./reconcile";

/** Reconcile a 2,000-item simulated SAM catalogue through the real SAM connector. */
const STORE = "sam:recon";
const SIZE = 2_000;
let database: TestDatabase;
let sim: Simulator;
let fx: TenantFixture;
let connectionId: string;
let source: SourceConnector;

async function runPages(run: SyncRunRef, maxPages = Infinity, cursor?: string | null) {
  const changed = new Set<string>();
  let pages = 0;
  let next: string | null | undefined = cursor;
  do {
    const page = await source.listStock({ cursor: next ?? undefined });
    const outcome = await reconcilePage(database.prisma, run, page);
    outcome.changedItemIds.forEach((id) => changed.add(id));
    next = page.nextCursor;
    pages += 1;
  } while (next && pages < maxPages);
  return { changed, next, pages };
}

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    createSimulator({ stores: [{ provider: "sam", id: "recon", size: SIZE, seed: 7 }] }),
  ]);
  fx = await createTenantFixture(database.prisma, "recon");
  const config = connectorConfigFor(sim.stores.require(STORE), sim.url);
  source = createConnector(config as never) as SourceConnector;
  const connection = await database.prisma.connection.create({
    data: { tenantId: fx.tenant.id, provider: "SAM", direction: "SOURCE", name: "SAM recon", baseUrl: config.baseUrl },
  });
  connectionId = connection.id;
  // A first full reconcile creates every item; it is the canonical state the tests start from.
  const first = await startSyncRun(database.prisma, {
    tenantId: fx.tenant.id,
    connectionId,
    trigger: "MANUAL",
    mode: "FULL",
  });
  await runPages(first);
  await finishSyncRun(database.prisma, first);
}, 240_000);
afterAll(async () => {
  await database?.close();
  await sim?.close();
});

describe("reconcile", () => {
  it("created every source product on the first run", async () => {
    expect(await database.prisma.itemLink.count({ where: { connectionId } })).toBe(SIZE);
    const run = await database.prisma.syncRun.findFirstOrThrow({
      where: { connectionId },
      orderBy: { startedAt: "asc" },
    });
    expect(run).toMatchObject({ status: "SUCCEEDED", itemsScanned: SIZE, itemsCreated: SIZE, itemsChanged: 0 });
  });

  it("fixes exactly the 37 drifted items and reports it", async () => {
    const items = sim.controls.items(STORE, { offset: 0, limit: SIZE });
    const drifted = items.filter((_, i) => i % 54 === 3).slice(0, 37);
    for (const item of drifted) sim.controls.setItem(STORE, item.sku, { quantity: item.quantity + 5 });
    const run = await startSyncRun(database.prisma, {
      tenantId: fx.tenant.id,
      connectionId,
      trigger: "MANUAL",
      mode: "FULL",
    });
    const { changed } = await runPages(run);
    await finishSyncRun(database.prisma, run);
    expect(changed.size).toBe(37);
    expect(await database.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: "SUCCEEDED",
      itemsScanned: SIZE,
      itemsChanged: 37,
      itemsCreated: 0,
      itemsVanished: 0,
    });
    const sample = await database.prisma.item.findFirstOrThrow({
      where: { tenantId: fx.tenant.id, sku: drifted[0]!.sku },
    });
    expect(sample.quantity).toBe(drifted[0]!.quantity + 5);
  });

  it("creates new source products and archives vanished ones", async () => {
    const added = sim.controls.addItem(STORE, { sku: "NEW-0001", title: "New arrival", quantity: 3 });
    const gone = sim.controls.items(STORE, { offset: 10, limit: 1 })[0]!;
    sim.controls.setItem(STORE, gone.sku, { state: "deleted" });
    const run = await startSyncRun(database.prisma, {
      tenantId: fx.tenant.id,
      connectionId,
      trigger: "SCHEDULE",
      mode: "FULL",
    });
    await runPages(run);
    const { vanishedItemIds } = await finishSyncRun(database.prisma, run);
    expect(
      await database.prisma.item.findFirstOrThrow({ where: { tenantId: fx.tenant.id, sku: added.sku } }),
    ).toMatchObject({ quantity: 3, status: "AVAILABLE" });
    expect(vanishedItemIds).toHaveLength(1);
    expect(
      await database.prisma.item.findFirstOrThrow({ where: { tenantId: fx.tenant.id, sku: gone.sku } }),
    ).toMatchObject({ status: "ARCHIVED", quantity: 0 });
    expect(await database.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      itemsCreated: 1,
      itemsVanished: 1,
    });
  });

  it("applies a page's differences in transactions of at most the batch size, with the same result", async () => {
    const items = sim.controls.items(STORE, { offset: 200, limit: 120 });
    for (const item of items) sim.controls.setItem(STORE, item.sku, { quantity: item.quantity + 2 });
    const run = await startSyncRun(database.prisma, {
      tenantId: fx.tenant.id,
      connectionId,
      trigger: "MANUAL",
      mode: "FULL",
    });
    const batches: number[] = [];
    let cursor: string | undefined;
    let changed = 0;
    do {
      const page = await source.listStock({ cursor });
      changed += (
        await reconcilePage(database.prisma, run, page, { batchSize: 25, onBatch: (size) => batches.push(size) })
      ).changed;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    await finishSyncRun(database.prisma, run);
    expect(changed).toBe(120);
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(120);
    expect(Math.max(...batches)).toBeLessThanOrEqual(25);
    const sample = await database.prisma.item.findFirstOrThrow({
      where: { tenantId: fx.tenant.id, sku: items[7]!.sku },
    });
    expect(sample.quantity).toBe(items[7]!.quantity + 2);
    expect(await database.prisma.stockChange.count({ where: { syncRunId: run.id } })).toBe(120);
  });

  it("resumes from the cursor it recorded after stopping mid-run, without redoing finished pages", async () => {
    const run = await startSyncRun(database.prisma, {
      tenantId: fx.tenant.id,
      connectionId,
      trigger: "MANUAL",
      mode: "FULL",
    });
    const firstPart = await runPages(run, 2);
    const stopped = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(stopped.pages).toBe(2);
    expect(stopped.cursor).toBe(firstPart.next);
    sim.controls.resetRequests(STORE);
    const rest = await runPages(run, Infinity, stopped.cursor);
    await finishSyncRun(database.prisma, run);
    const done = await database.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done.pages).toBe(2 + rest.pages);
    expect(done.itemsScanned).toBe(SIZE);
    expect(done.itemsVanished).toBe(0);
    expect(sim.controls.requests(STORE).total).toBe(rest.pages);
  });
});

describe("channel drift check", () => {
  it("finds the storefront items that show stock the canonical state does not have", async () => {
    const channelSim = await createSimulator({
      stores: [
        {
          provider: "woocommerce",
          id: "drift",
          items: [1, 2, 3].map((n) => ({ sku: `DRIFT-${n}`, title: `Drift ${n}`, quantity: 1, unique: true })),
        },
      ],
    });
    try {
      const store = channelSim.stores.require("woocommerce:drift");
      const config = connectorConfigFor(store, channelSim.url);
      const channel = await database.prisma.connection.create({
        data: {
          tenantId: fx.tenant.id,
          provider: "WOOCOMMERCE",
          direction: "CHANNEL",
          name: "Drift shop",
          baseUrl: config.baseUrl,
        },
      });
      const views = channelSim.controls.items("woocommerce:drift", { offset: 0, limit: 10 });
      for (const [index, view] of views.entries()) {
        // DRIFT-1 sold in the gallery, DRIFT-2 in step, DRIFT-3 restocked to 4 but the shop still shows 1.
        const state = [
          { quantity: 0, status: "SOLD" as const },
          { quantity: 1, status: "AVAILABLE" as const },
          { quantity: 4, status: "AVAILABLE" as const },
        ][index]!;
        const item = await database.prisma.item.create({
          data: { tenantId: fx.tenant.id, sku: view.sku, title: view.title, oneOfAKind: index !== 2, ...state },
        });
        await database.prisma.itemLink.create({
          data: { tenantId: fx.tenant.id, itemId: item.id, connectionId: channel.id, externalId: view.externalId },
        });
      }
      const channelConnector = createConnector(config as never) as unknown as {
        listStock: SourceConnector["listStock"];
      };
      const run = await startSyncRun(database.prisma, {
        tenantId: fx.tenant.id,
        connectionId: channel.id,
        trigger: "MANUAL",
        mode: "FULL",
      });
      const { drifted } = await channelDriftPage(database.prisma, run, await channelConnector.listStock());
      expect(drifted.map((d) => views.find((v) => v.externalId === d.externalId)?.sku).sort()).toEqual([
        "DRIFT-1",
        "DRIFT-3",
      ]);
      expect(await database.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
        itemsScanned: 3,
        itemsChanged: 2,
      });
    } finally {
      await channelSim.close();
    }
  });
});
