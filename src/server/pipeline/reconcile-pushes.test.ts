import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { RECONCILE_PUSHES_PER_RUN, writeReconcilePushes } from "./reconcile-pushes";

let database: TestDatabase;
let fx: TenantFixture;
/** Two storefronts and a paused one; items linked to all three. */
const shops: Record<"woo" | "shopify" | "paused", string> = {} as never;
let syncRunId: string;
const ITEMS = RECONCILE_PUSHES_PER_RUN + 5;
let itemIds: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const prisma = database.prisma;
  fx = await createTenantFixture(prisma, "reconcile-pushes");
  for (const [name, provider] of [
    ["woo", "WOOCOMMERCE"],
    ["shopify", "SHOPIFY"],
    ["paused", "WOOCOMMERCE"],
  ] as const) {
    const connection = await prisma.connection.create({
      data: {
        tenantId: fx.tenant.id,
        provider,
        direction: "CHANNEL",
        name,
        baseUrl: `https://${name}.example`,
        status: name === "paused" ? "PAUSED" : "ACTIVE",
      },
    });
    shops[name] = connection.id;
  }
  await prisma.item.createMany({
    data: Array.from({ length: ITEMS }, (_, index) => ({
      tenantId: fx.tenant.id,
      sku: `RP-${index}`,
      title: `Print ${index}`,
      quantity: index % 3,
    })),
  });
  itemIds = (await prisma.item.findMany({ where: { tenantId: fx.tenant.id, sku: { startsWith: "RP-" } } })).map(
    (item) => item.id,
  );
  await prisma.itemLink.createMany({
    data: Object.values(shops).flatMap((connectionId) =>
      itemIds.map((itemId, index) => ({ tenantId: fx.tenant.id, itemId, connectionId, externalId: `x-${index}` })),
    ),
  });
  syncRunId = (
    await prisma.syncRun.create({
      data: { tenantId: fx.tenant.id, connectionId: fx.connection.id, mode: "FULL", trigger: "MANUAL" },
    })
  ).id;
});
afterAll(async () => {
  await database?.close();
});

describe("a reconcile's pushes", () => {
  it("writes one row per (item, active storefront) in one go and hands them over per storefront in chunks", async () => {
    const targets = Object.values(shops).flatMap((connectionId) => itemIds.map((itemId) => ({ itemId, connectionId })));
    // A target named twice (a page and the vanished items) is one push.
    const chunks = await writeReconcilePushes(database.prisma, fx.tenant.id, syncRunId, [...targets, targets[0]!]);

    const rows = await database.prisma.channelPush.findMany({ where: { syncRunId } });
    expect(rows).toHaveLength(ITEMS * 2);
    expect(rows.some((row) => row.connectionId === shops.paused)).toBe(false);
    expect(rows.every((row) => row.state === "PENDING" && row.tenantId === fx.tenant.id)).toBe(true);
    expect(chunks.map((chunk) => [chunk.connectionId, chunk.pushIds.length]).sort()).toEqual(
      [
        [shops.woo, RECONCILE_PUSHES_PER_RUN],
        [shops.woo, 5],
        [shops.shopify, RECONCILE_PUSHES_PER_RUN],
        [shops.shopify, 5],
      ].sort(),
    );
    expect(new Set(chunks.flatMap((chunk) => chunk.pushIds))).toEqual(new Set(rows.map((row) => row.id)));
  });

  it("writes nothing twice when its step runs again, and leaves out rows that landed since", async () => {
    const targets = itemIds.map((itemId) => ({ itemId, connectionId: shops.woo }));
    const landed = await database.prisma.channelPush.findFirstOrThrow({
      where: { syncRunId, connectionId: shops.woo },
    });
    await database.prisma.channelPush.update({ where: { id: landed.id }, data: { state: "SUCCEEDED" } });

    const chunks = await writeReconcilePushes(database.prisma, fx.tenant.id, syncRunId, targets);
    expect(await database.prisma.channelPush.count({ where: { syncRunId } })).toBe(ITEMS * 2);
    const woo = chunks.filter((chunk) => chunk.connectionId === shops.woo).flatMap((chunk) => chunk.pushIds);
    expect(woo).toHaveLength(ITEMS - 1);
    expect(woo).not.toContain(landed.id);
  });

  it("writes no row for another tenant's item, whatever the targets name", async () => {
    const other = await createTenantFixture(database.prisma, "reconcile-pushes-other");
    const chunks = await writeReconcilePushes(database.prisma, other.tenant.id, syncRunId, [
      { itemId: itemIds[0]!, connectionId: shops.woo },
    ]);
    expect(chunks).toEqual([]);
    expect(await database.prisma.channelPush.count({ where: { tenantId: other.tenant.id } })).toBe(0);
  });
});
