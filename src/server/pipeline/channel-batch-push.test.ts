import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { deliveredAfterFirstRead } from "@test-support/push-race";
import { noRetryConnector } from "@test-support/sim-connectors";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { createSimulator, externalIdOf, type Simulator } from "@sim";
import { attemptChannelBatch } from "./channel-batch-push";
import { attemptPush } from "./channel-push";
import { newLeaseHolder, releasePushLeases, takePushLeases } from "./push-lease";

let database: TestDatabase;
let sim: Simulator;
let fx: TenantFixture;
let channelId: string;
const STORE = "woocommerce:bulk";
const ITEMS = 150;
/** Our item ids by simulator index. */
const itemIds: string[] = [];
const externalIds: string[] = [];

const connectorFor = async () => noRetryConnector(sim, STORE, { maxRetryAfterMs: 0 });
const DELAYS = [1_000, 2_000];
const context = (number = 1) => ({ number, delaysMs: DELAYS });
const batchCalls = () => sim.controls.requests(STORE).byKind["woocommerce:products.batch"] ?? 0;
const shownOnChannel = (index: number) =>
  sim.controls.item(STORE, `ART-${String(index + 1).padStart(4, "0")}`)?.quantity;

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    createSimulator({ stores: [{ provider: "woocommerce", id: "bulk", size: ITEMS }] }),
  ]);
  fx = await createTenantFixture(database.prisma, "bulk");
  const channel = await database.prisma.connection.create({
    data: { tenantId: fx.tenant.id, provider: "WOOCOMMERCE", direction: "CHANNEL", name: "Shop", baseUrl: "unused" },
  });
  channelId = channel.id;
  for (let index = 0; index < ITEMS; index++) {
    const item = await database.prisma.item.create({
      data: { tenantId: fx.tenant.id, sku: `B-${index}`, title: `Print ${index}`, quantity: 3, oneOfAKind: false },
    });
    itemIds.push(item.id);
    externalIds.push(String(externalIdOf(sim.stores.require(STORE), index)));
  }
  await database.prisma.itemLink.createMany({
    data: itemIds.map((itemId, index) => ({
      tenantId: fx.tenant.id,
      itemId,
      connectionId: channelId,
      externalId: externalIds[index]!,
    })),
  });
});
afterAll(async () => {
  await database?.close();
  await sim?.close();
});
beforeEach(async () => {
  sim.controls.reset(STORE);
  sim.controls.resetRequests(STORE);
  await database.prisma.connection.update({
    where: { id: channelId },
    data: { consecutiveFailures: 0, circuitOpenUntil: null },
  });
});

/** Push rows as the apply writes them: one per (delivery, item), here without a delivery. */
async function pushRows(indexes: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (const index of indexes) {
    const row = await database.prisma.channelPush.create({
      data: { tenantId: fx.tenant.id, connectionId: channelId, itemId: itemIds[index]!, quantity: 0, status: "SOLD" },
      select: { id: true },
    });
    ids.push(row.id);
  }
  return ids;
}
const setQuantity = (index: number, quantity: number) =>
  database.prisma.item.update({ where: { id: itemIds[index] }, data: { quantity, status: "AVAILABLE" } });
const attempt = (pushIds: string[], number = 1) =>
  attemptChannelBatch(
    database.prisma,
    connectorFor,
    { tenantId: fx.tenant.id, connectionId: channelId, pushIds },
    context(number),
  );

describe("bulk pushes to one storefront", () => {
  it("coalesces ten changes of one item into one update in one call, each row keeping its outcome", async () => {
    await setQuantity(0, 9);
    const ids = await pushRows(Array(10).fill(0));
    const result = await attempt(ids);
    expect(batchCalls()).toBe(1);
    expect(sim.controls.requests(STORE).writes).toBe(1);
    expect(result.succeeded.map((row) => row.pushId).sort()).toEqual([...ids].sort());
    expect(shownOnChannel(0)).toBe(9);
    const rows = await database.prisma.channelPush.findMany({ where: { id: { in: ids } } });
    expect(rows.every((row) => row.state === "SUCCEEDED" && row.quantity === 9 && row.attempts === 1)).toBe(true);
    expect(await database.prisma.pipelineAttempt.count({ where: { channelPushId: { in: ids } } })).toBe(10);
  });

  it("splits 150 items into calls of at most 100 (WooCommerce's limit)", async () => {
    for (let index = 0; index < ITEMS; index++) await setQuantity(index, index % 7);
    const ids = await pushRows([...Array(ITEMS).keys()]);
    const result = await attempt(ids);
    expect(result.failed).toEqual([]);
    expect(result.succeeded).toHaveLength(ITEMS);
    expect(batchCalls()).toBe(2);
    expect(sim.controls.requests(STORE).byStatus["413"] ?? 0).toBe(0);
    expect(shownOnChannel(149)).toBe(149 % 7);
  });

  it("records a per-item refusal on that item's rows only", async () => {
    // The platform no longer has product 2: WooCommerce refuses that row and takes the others.
    await database.prisma.itemLink.update({
      where: { itemId_connectionId: { itemId: itemIds[2]!, connectionId: channelId } },
      data: { externalId: "999999" },
    });
    try {
      await setQuantity(1, 4);
      await setQuantity(3, 5);
      const ids = await pushRows([1, 2, 2, 3]);
      const result = await attempt(ids);
      expect(result.succeeded.map((row) => row.pushId).sort()).toEqual([ids[0], ids[3]].sort());
      expect(result.failed.map((row) => row.pushId).sort()).toEqual([ids[1], ids[2]].sort());
      expect(result.failed[0]!.error).toMatch(/Shop rejected the update: WooCommerce refused product 999999/);
      expect(result.failed[0]!.retryAt).not.toBeNull();
      expect(shownOnChannel(1)).toBe(4);
      expect(shownOnChannel(3)).toBe(5);
      // A refused row is not the storefront failing: the breaker does not count it.
      expect(
        (await database.prisma.connection.findUniqueOrThrow({ where: { id: channelId } })).consecutiveFailures,
      ).toBe(0);
    } finally {
      await database.prisma.itemLink.update({
        where: { itemId_connectionId: { itemId: itemIds[2]!, connectionId: channelId } },
        data: { externalId: externalIds[2]! },
      });
    }
  });

  it("waits a 429's Retry-After before the rows' next attempt", async () => {
    sim.controls.set(STORE, { rateLimit: { limit: 1, windowMs: 30_000 } });
    await attempt(await pushRows([4])); // uses up the window
    const ids = await pushRows([5, 6]);
    const result = await attempt(ids);
    expect(result.succeeded).toEqual([]);
    expect(result.failed).toHaveLength(2);
    const attempts = await database.prisma.pipelineAttempt.findMany({ where: { channelPushId: { in: ids } } });
    expect(attempts.map((a) => a.outcome)).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
    const finished = attempts[0]!.finishedAt!.getTime();
    // The window is 30 s: the retry is due when it resets, not after the 1 s retry delay.
    const due = new Date(result.failed[0]!.retryAt!).getTime() - finished;
    expect(due).toBeGreaterThan(DELAYS[0]! * 5);
    expect(due).toBeLessThanOrEqual(30_000 + 1_000);
  });

  it("does not rewrite a healthy storefront's row, and resets it once after failures", async () => {
    const before = await database.prisma.connection.findUniqueOrThrow({ where: { id: channelId } });
    await attempt(await pushRows([7]));
    const after = await database.prisma.connection.findUniqueOrThrow({ where: { id: channelId } });
    expect(after.updatedAt).toEqual(before.updatedAt);

    sim.controls.set(STORE, { outage: "error" });
    const failing = await pushRows([8]);
    await attempt(failing);
    expect((await database.prisma.connection.findUniqueOrThrow({ where: { id: channelId } })).consecutiveFailures).toBe(
      1,
    );
    sim.controls.reset(STORE);
    await attempt(failing, 2);
    const healed = await database.prisma.connection.findUniqueOrThrow({ where: { id: channelId } });
    expect(healed.consecutiveFailures).toBe(0);
    await attempt(await pushRows([9]));
    expect((await database.prisma.connection.findUniqueOrThrow({ where: { id: channelId } })).updatedAt).toEqual(
      healed.updatedAt,
    );
  });
});

describe("one item's pushes to one storefront never overlap", () => {
  it("leaves an item another push is sending for later, without using an attempt", async () => {
    const other = newLeaseHolder();
    expect(await takePushLeases(database.prisma, fx.tenant.id, channelId, [itemIds[10]!], other)).toHaveLength(1);
    try {
      const ids = await pushRows([10, 11]);
      const result = await attempt(ids);
      expect(result.succeeded.map((row) => row.pushId)).toEqual([ids[1]]);
      expect(result.waiting).toMatchObject({ pushIds: [ids[0]], parked: false });
      expect((await database.prisma.channelPush.findUniqueOrThrow({ where: { id: ids[0] } })).attempts).toBe(0);
      // The single push of the same item waits too.
      const single = await attemptPush(
        database.prisma,
        connectorFor,
        { tenantId: fx.tenant.id, connectionId: channelId, itemId: itemIds[10]!, externalId: externalIds[10]! },
        context(),
      );
      expect(single).toMatchObject({ kind: "parked", busy: true });
    } finally {
      await releasePushLeases(database.prisma, fx.tenant.id, channelId, other);
    }
    // Released (or expired): it goes.
    const again = await attempt(await pushRows([10]));
    expect(again.succeeded).toHaveLength(1);
  });

  it("an older batch that runs after a newer push sends the newer state", async () => {
    await setQuantity(12, 8);
    const older = await pushRows([12]); // written when the item showed 8
    await setQuantity(12, 2);
    const newer = await attemptPush(
      database.prisma,
      connectorFor,
      { tenantId: fx.tenant.id, connectionId: channelId, itemId: itemIds[12]!, externalId: externalIds[12]! },
      context(),
    );
    expect(newer.kind).toBe("succeeded");
    expect(shownOnChannel(12)).toBe(2);
    const late = await attempt(older);
    expect(late.succeeded[0]).toMatchObject({ quantity: 2 });
    expect(shownOnChannel(12)).toBe(2);
  });

  it("calls nobody for a row another attempt delivered between this batch's first read and its leases", async () => {
    await setQuantity(13, 41);
    await setQuantity(14, 42);
    const [delivered, open] = await pushRows([13, 14]);
    const shownBefore = shownOnChannel(13);
    expect(shownBefore).not.toBe(41);
    const deliveredAt = new Date("2026-12-07T09:00:00Z");
    // The other attempt lands right after this one has read both rows as pending.
    const racing = deliveredAfterFirstRead(database.prisma, {
      id: delivered!,
      pushedAt: deliveredAt,
      read: "findMany",
    });
    const result = await attemptChannelBatch(
      racing.client,
      connectorFor,
      { tenantId: fx.tenant.id, connectionId: channelId, pushIds: [delivered!, open!] },
      context(),
    );
    expect(racing.raced()).toBe(true);
    expect(result.failed).toEqual([]);
    expect(result.succeeded.find((row) => row.pushId === delivered)).toMatchObject({
      pushedAt: deliveredAt.toISOString(),
    });
    expect(result.succeeded.find((row) => row.pushId === open)).toMatchObject({ quantity: 42 });
    // One call, for the open row's item only: the delivered item was not sent again.
    expect(batchCalls()).toBe(1);
    expect(shownOnChannel(14)).toBe(42);
    expect(shownOnChannel(13)).toBe(shownBefore);
    expect(await database.prisma.pipelineAttempt.count({ where: { channelPushId: delivered } })).toBe(0);
    const row = await database.prisma.channelPush.findUniqueOrThrow({ where: { id: delivered } });
    expect(row).toMatchObject({ state: "SUCCEEDED", attempts: 0, pushedAt: deliveredAt });
  });
});
