import { describe, expect } from "vitest";
import { test } from "@test-support/db-fixture";
import { applyStockChange } from "./apply-change";

let sequence = 0;

/** `linkedItem` makes an item of tenant a, linked to its connection. */
const it = test.extend(
  "linkedItem",
  { scope: "file" },
  ({ prisma, tenantA: fx }) =>
    async (options: { quantity: number; oneOfAKind: boolean }) => {
      sequence += 1;
      const item = await prisma.item.create({
        data: {
          tenantId: fx.tenant.id,
          sku: `T-${sequence}`,
          title: "Test",
          quantity: options.quantity,
          oneOfAKind: options.oneOfAKind,
        },
      });
      const externalId = `ext-${sequence}`;
      await prisma.itemLink.create({
        data: { tenantId: fx.tenant.id, itemId: item.id, connectionId: fx.connection.id, externalId },
      });
      return { item, externalId };
    },
);

const at = (second: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, second));

describe("applying a stock change", () => {
  it("turns a sold one-of-a-kind artwork SOLD at 0, bumps the version and audits it", async ({
    prisma,
    tenantA: fx,
    linkedItem,
  }) => {
    const { item, externalId } = await linkedItem({ quantity: 1, oneOfAKind: true });
    const outcome = await applyStockChange(prisma, fx.tenant.id, {
      connectionId: fx.connection.id,
      externalId,
      quantity: 0,
      sourceAt: at(1),
      source: "webhook:SAM",
      webhookEventId: fx.event.id,
    });
    expect(outcome).toMatchObject({ kind: "applied", version: 1, action: "qty 1 → 0, marked Sold" });
    const after = await prisma.item.findUniqueOrThrow({ where: { id: item.id } });
    expect(after).toMatchObject({ quantity: 0, status: "SOLD", version: 1 });
    const audit = await prisma.stockChange.findFirstOrThrow({ where: { itemId: item.id } });
    expect(audit).toMatchObject({
      quantityBefore: 1,
      quantityAfter: 0,
      statusBefore: "AVAILABLE",
      statusAfter: "SOLD",
      source: "webhook:SAM",
      webhookEventId: fx.event.id,
    });
  });

  it("brings a replenishable item back when restocked", async ({ prisma, tenantA: fx, linkedItem }) => {
    const { item, externalId } = await linkedItem({ quantity: 2, oneOfAKind: false });
    await applyStockChange(prisma, fx.tenant.id, {
      connectionId: fx.connection.id,
      externalId,
      quantity: 0,
      sourceAt: at(1),
      source: "test",
    });
    expect((await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).status).toBe("OUT_OF_STOCK");
    await applyStockChange(prisma, fx.tenant.id, {
      connectionId: fx.connection.id,
      externalId,
      quantity: 6,
      sourceAt: at(2),
      source: "test",
    });
    expect(await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      quantity: 6,
      status: "AVAILABLE",
      version: 2,
    });
  });

  it("marks an older change STALE and changes nothing", async ({ prisma, tenantA: fx, linkedItem }) => {
    const { item, externalId } = await linkedItem({ quantity: 5, oneOfAKind: false });
    await applyStockChange(prisma, fx.tenant.id, {
      connectionId: fx.connection.id,
      externalId,
      quantity: 3,
      sourceAt: at(10),
      source: "test",
    });
    const stale = await applyStockChange(prisma, fx.tenant.id, {
      connectionId: fx.connection.id,
      externalId,
      quantity: 4,
      sourceAt: at(5),
      source: "test",
    });
    expect(stale.kind).toBe("stale");
    expect(await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ quantity: 3, version: 1 });
  });

  it("treats a replayed webhook change with the item's last source time as a DUPLICATE, not a new change", async ({
    prisma,
    tenantA: fx,
    linkedItem,
  }) => {
    const { item, externalId } = await linkedItem({ quantity: 5, oneOfAKind: false });
    const base = { connectionId: fx.connection.id, externalId, source: "webhook" };
    // Two deliveries in the same second (second-resolution timestamps), the later one applied last…
    await applyStockChange(prisma, fx.tenant.id, { ...base, quantity: 4, sourceAt: at(20) });
    // …then, past the front door's 72-hour memory, a replay of the earlier one: same source time, older content.
    const replayed = await applyStockChange(prisma, fx.tenant.id, { ...base, quantity: 9, sourceAt: at(20) });
    expect(replayed.kind).toBe("duplicate");
    expect(await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({ quantity: 4, version: 1 });
    expect(await prisma.stockChange.count({ where: { itemId: item.id } })).toBe(1);
    // A reconcile's reading of the same moment is the platform's current state: it applies.
    const reconciled = await applyStockChange(prisma, fx.tenant.id, {
      ...base,
      source: "reconcile",
      quantity: 7,
      sourceAt: at(20),
    });
    expect(reconciled.kind).toBe("applied");
  });

  it("applies two real changes stamped with the same second while the front door still remembers deliveries", async ({
    prisma,
    tenantA: fx,
    linkedItem,
  }) => {
    const { item, externalId } = await linkedItem({ quantity: 5, oneOfAKind: false });
    const base = { connectionId: fx.connection.id, externalId, source: "webhook" };
    const second = new Date(Math.floor(Date.now() / 1000) * 1000);
    // A transfer: two locations updated in the same second.
    await applyStockChange(prisma, fx.tenant.id, { ...base, quantity: 2, locationId: "gallery", sourceAt: second });
    const other = await applyStockChange(prisma, fx.tenant.id, {
      ...base,
      quantity: 3,
      locationId: "web",
      sourceAt: second,
    });
    expect(other.kind).toBe("applied");
    expect((await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).quantity).toBe(5);
  });

  it("skips a change for an unknown product with a readable reason", async ({ prisma, tenantA: fx }) => {
    const outcome = await applyStockChange(prisma, fx.tenant.id, {
      connectionId: fx.connection.id,
      externalId: "123",
      quantity: 0,
      sourceAt: at(1),
      source: "test",
    });
    expect(outcome).toEqual({ kind: "skipped", action: "no local product for sam_id 123" });
  });

  it("applies the safety buffer and selling locations", async ({ prisma, tenantA: fx, linkedItem }) => {
    await prisma.tenant.update({
      where: { id: fx.tenant.id },
      data: { safetyBuffer: 1, sellingLocations: ["gallery", "web"] },
    });
    const { item, externalId } = await linkedItem({ quantity: 0, oneOfAKind: false });
    const base = { connectionId: fx.connection.id, externalId, source: "test" };
    await applyStockChange(prisma, fx.tenant.id, { ...base, quantity: 4, locationId: "gallery", sourceAt: at(1) });
    await applyStockChange(prisma, fx.tenant.id, { ...base, quantity: 9, locationId: "storage", sourceAt: at(2) });
    await applyStockChange(prisma, fx.tenant.id, { ...base, quantity: 2, locationId: "web", sourceAt: at(3) });
    expect((await prisma.item.findUniqueOrThrow({ where: { id: item.id } })).quantity).toBe(5);
    await prisma.tenant.update({ where: { id: fx.tenant.id }, data: { safetyBuffer: 0, sellingLocations: [] } });
  });

  it("never loses an update when 50 changes for one item race", async ({ prisma, tenantA: fx, linkedItem }) => {
    const { item, externalId } = await linkedItem({ quantity: 100, oneOfAKind: false });
    const changes = Array.from({ length: 50 }, (_, i) => ({
      connectionId: fx.connection.id,
      externalId,
      quantity: 50 - i,
      sourceAt: at(i + 1),
      source: "race",
    }));
    const shuffled = [...changes].sort(() => Math.random() - 0.5);
    await Promise.all(shuffled.map((change) => applyStockChange(prisma, fx.tenant.id, change)));
    const final = await prisma.item.findUniqueOrThrow({ where: { id: item.id } });
    expect(final.quantity).toBe(1);
    expect(final.lastSourceAt).toEqual(at(50));
    const audits = await prisma.stockChange.count({ where: { itemId: item.id } });
    expect(audits).toBe(final.version);
  });
});
