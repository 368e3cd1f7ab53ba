import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { noRetryConnector } from "@test-support/sim-connectors";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { createSimulator, externalIdOf, type Simulator } from "@sim";
import type { PushRow } from "./apply-batch";
import { attemptPushesInline, INLINE_PUSH_LIMIT, INLINE_PUSH_POLICY, unattemptedPushesOf } from "./inline-push";

let database: TestDatabase;
let sim: Simulator;
let fx: TenantFixture;
/** Two WooCommerce shops selling the same work: "up" answers, "down" is broken per test. */
const stores = { up: "woocommerce:inline-up", down: "woocommerce:inline-down" } as const;
const channels: Record<keyof typeof stores, { id: string; externalId: string }> = {} as never;
const DELAYS = [1_000, 2_000];

// The real WooCommerce connector against the simulator, with the fast path's own policy (a hung
// call is cut after 1.5 s here instead of 5 s, to keep the test short).
const connectorFor = async (_tenantId: string, connectionId: string) =>
  noRetryConnector(sim, connectionId === channels.up.id ? stores.up : stores.down, {
    ...INLINE_PUSH_POLICY,
    timeoutMs: 1_500,
  });

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    createSimulator({
      stores: Object.values(stores).map((key) => ({
        provider: "woocommerce" as const,
        id: key.split(":")[1]!,
        items: [{ sku: "ART-1", title: "Artwork", quantity: 1, unique: true }],
      })),
    }),
  ]);
  fx = await createTenantFixture(database.prisma, "inline");
  for (const [name, key] of Object.entries(stores) as [keyof typeof stores, string][]) {
    const connection = await database.prisma.connection.create({
      data: { tenantId: fx.tenant.id, provider: "WOOCOMMERCE", direction: "CHANNEL", name, baseUrl: "unused" },
    });
    const externalId = String(externalIdOf(sim.stores.require(key), 0));
    await database.prisma.itemLink.create({
      data: { tenantId: fx.tenant.id, itemId: fx.item.id, connectionId: connection.id, externalId },
    });
    channels[name] = { id: connection.id, externalId };
  }
  await database.prisma.item.update({ where: { id: fx.item.id }, data: { quantity: 0, status: "SOLD" } });
});
afterAll(async () => {
  await database?.close();
  await sim?.close();
});

function resetShops() {
  for (const key of Object.values(stores)) {
    sim.controls.reset(key);
    sim.controls.resetRequests(key);
  }
}

/** A sale's push rows, one per shop, as the fast path's apply step writes them. */
async function pushRows(): Promise<PushRow[]> {
  await database.prisma.channelPush.deleteMany({ where: { tenantId: fx.tenant.id } });
  await database.prisma.connection.updateMany({
    where: { tenantId: fx.tenant.id },
    data: { consecutiveFailures: 0, circuitOpenUntil: null },
  });
  return Promise.all(
    (["up", "down"] as const).map(async (name) => {
      const row = await database.prisma.channelPush.create({
        data: {
          tenantId: fx.tenant.id,
          connectionId: channels[name].id,
          itemId: fx.item.id,
          webhookEventId: fx.event.id,
          quantity: 0,
          status: "SOLD",
          inngestRunId: "run-apply",
        },
      });
      return { ...row, externalId: channels[name].externalId, webhookEventId: fx.event.id };
    }),
  );
}

const attempt = (pushes: PushRow[], delaysMs = DELAYS) =>
  attemptPushesInline(database.prisma, connectorFor, fx.tenant.id, pushes, {
    runId: "run-apply",
    replay: false,
    delaysMs,
  });
const rowOf = (push: PushRow) => database.prisma.channelPush.findUniqueOrThrow({ where: { id: push.id } });

describe("the fast path's own push attempt", () => {
  it("lands on the healthy shop while the other hangs, and hands the hung one to push-item for attempt 2 at once", async () => {
    resetShops();
    sim.controls.set(stores.down, { outage: "hang" });
    const [up, down] = await pushRows();
    const outcome = await attempt([up!, down!]);

    expect(outcome.succeeded.map((a) => a.push.id)).toEqual([up!.id]);
    expect(sim.controls.item(stores.up, "ART-1")?.quantity).toBe(0);
    // The healthy shop's push was written as it landed, not when the hung call gave up.
    const landed = await rowOf(up!);
    const cut = await database.prisma.pipelineAttempt.findFirstOrThrow({ where: { channelPushId: down!.id } });
    expect(landed.state).toBe("SUCCEEDED");
    expect(landed.pushedAt!.getTime()).toBeLessThan(cut.finishedAt.getTime());
    expect(cut).toMatchObject({ number: 1, outcome: "FAILED", inngestRunId: "run-apply" });
    expect(cut.error).toContain("did not answer in time");

    expect(outcome.handedOver).toEqual([{ push: down, number: 2, at: expect.any(String) }]);
    expect((await rowOf(down!)).nextAttemptAt?.toISOString()).toBe(outcome.handedOver[0]!.at);
    expect(Date.parse(outcome.handedOver[0]!.at)).toBeLessThanOrEqual(Date.now());
    expect(outcome.exhausted).toEqual([]);
    // Slow is not failing: the cut does not count towards the shop's breaker.
    const hung = await database.prisma.connection.findUniqueOrThrow({ where: { id: channels.down.id } });
    expect(hung).toMatchObject({ consecutiveFailures: 0, circuitOpenUntil: null });
  });

  it("never waits out a Retry-After: a rate-limited push goes on at the time the shop gave", async () => {
    resetShops();
    sim.controls.set(stores.down, { rateLimit: { limit: 1, windowMs: 30_000 } });
    sim.stores.require(stores.down).takeWindow();
    const [up, down] = await pushRows();
    const before = Date.now();
    const outcome = await attempt([up!, down!]);

    expect(outcome.succeeded.map((a) => a.push.id)).toEqual([up!.id]);
    expect(outcome.handedOver).toHaveLength(1);
    expect(Date.parse(outcome.handedOver[0]!.at)).toBeGreaterThanOrEqual(before + 25_000);
    expect(sim.controls.requests(stores.down).log.filter((entry) => entry.status === 429)).toHaveLength(1);
  });

  it("does not call a shop whose breaker is open: the push is parked for push-item without using its attempt", async () => {
    resetShops();
    const [up, down] = await pushRows();
    const closesAt = new Date(Date.now() + 60_000);
    await database.prisma.connection.update({ where: { id: channels.down.id }, data: { circuitOpenUntil: closesAt } });
    const outcome = await attempt([up!, down!]);

    expect(outcome.handedOver).toEqual([{ push: down, number: 1, at: expect.any(String) }]);
    expect(Date.parse(outcome.handedOver[0]!.at)).toBeGreaterThanOrEqual(closesAt.getTime());
    expect(sim.controls.requests(stores.down).total).toBe(0);
    expect((await rowOf(down!)).attempts).toBe(0);
  });

  it("fails a push for good when its retry budget was a single attempt", async () => {
    resetShops();
    sim.controls.set(stores.down, { outage: "error", outageStatus: 503 });
    const [up, down] = await pushRows();
    const outcome = await attempt([up!, down!], []);

    expect(outcome.handedOver).toEqual([]);
    expect(outcome.exhausted.map((a) => a.push.id)).toEqual([down!.id]);
    expect(outcome.exhausted[0]!.result).toMatchObject({ kind: "failed", retryAt: null });
    // A failure the shop answered does count towards its breaker.
    const failing = await database.prisma.connection.findUniqueOrThrow({ where: { id: channels.down.id } });
    expect(failing.consecutiveFailures).toBe(1);
  });
});

describe("the fast path's step run again after its apply committed", () => {
  const find = (runId = "run-apply") => unattemptedPushesOf(database.prisma, fx.tenant.id, fx.event.id, runId);

  it("finds the delivery's pushes nobody has taken, and pushes them", async () => {
    resetShops();
    const rows = await pushRows();
    // One never attempted; one this run had started when it stopped (its id on the row).
    await database.prisma.channelPush.update({ where: { id: rows[0]!.id }, data: { inngestRunId: null } });
    const found = await find();
    expect(found.map((push) => push.id).sort()).toEqual(rows.map((push) => push.id).sort());
    expect(found.find((push) => push.id === rows[0]!.id)).toEqual({
      id: rows[0]!.id,
      connectionId: rows[0]!.connectionId,
      itemId: fx.item.id,
      externalId: rows[0]!.externalId,
      webhookEventId: fx.event.id,
    });
    const outcome = await attempt(found);
    expect(outcome.succeeded).toHaveLength(2);
    expect(await find()).toEqual([]);
  });

  it("takes the rows an attempt on arrival left unpushed when its process died", async () => {
    resetShops();
    const rows = await pushRows();
    await database.prisma.channelPush.updateMany({
      where: { id: { in: rows.map((row) => row.id) } },
      data: { inngestRunId: "arrival:died-after-commit" },
    });
    const found = await find();
    expect(found.map((push) => push.id).sort()).toEqual(rows.map((push) => push.id).sort());
    expect((await attempt(found)).succeeded).toHaveLength(2);
    expect(await find()).toEqual([]);
  });

  it("leaves rows another run holds, rows with an attempt scheduled, and rows already delivered", async () => {
    resetShops();
    const [held, scheduled] = await pushRows();
    await database.prisma.channelPush.update({ where: { id: held!.id }, data: { inngestRunId: "run-other" } });
    await database.prisma.channelPush.update({
      where: { id: scheduled!.id },
      data: { nextAttemptAt: new Date(Date.now() + 60_000) },
    });
    expect(await find()).toEqual([]);
    await database.prisma.channelPush.update({
      where: { id: scheduled!.id },
      data: { nextAttemptAt: null, state: "SUCCEEDED", pushedAt: new Date() },
    });
    expect(await find()).toEqual([]);
  });

  it("leaves a delivery with more pushes than one step makes to the push-item runs it handed them to", async () => {
    resetShops();
    await pushRows();
    const extra = Array.from({ length: INLINE_PUSH_LIMIT }, () => ({
      tenantId: fx.tenant.id,
      connectionId: channels.up.id,
      itemId: fx.item.id,
      webhookEventId: fx.event.id,
      quantity: 0,
      status: "SOLD" as const,
    }));
    await database.prisma.channelPush.createMany({ data: extra });
    expect(await find()).toEqual([]);
  });
});
