import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { deliveredAfterFirstRead } from "@test-support/push-race";
import { noRetryConnector } from "@test-support/sim-connectors";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { createSimulator, externalIdOf, type Simulator } from "@sim";
import {
  attemptPush,
  CIRCUIT_FAILURE_THRESHOLD,
  channelTargets,
  giveUpPush,
  preparePushes,
  type PushRequest,
} from "./channel-push";

let database: TestDatabase;
let sim: Simulator;
let fx: TenantFixture;
let channelId: string;
let externalId: string;
const STORE = "woocommerce:push";

// The real WooCommerce connector against the simulator, without slow retries inside one push.
const connectorFor = async () => noRetryConnector(sim, STORE, { maxRetryAfterMs: 5_000 });

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    createSimulator({
      stores: [
        { provider: "woocommerce", id: "push", items: [{ sku: "ART-1", title: "Artwork", quantity: 1, unique: true }] },
      ],
    }),
  ]);
  fx = await createTenantFixture(database.prisma, "push");
  const channel = await database.prisma.connection.create({
    data: { tenantId: fx.tenant.id, provider: "WOOCOMMERCE", direction: "CHANNEL", name: "Shop", baseUrl: "unused" },
  });
  channelId = channel.id;
  externalId = String(externalIdOf(sim.stores.require(STORE), 0));
  await database.prisma.itemLink.create({
    data: { tenantId: fx.tenant.id, itemId: fx.item.id, connectionId: channelId, externalId },
  });
});
afterAll(async () => {
  await database?.close();
  await sim?.close();
});

const request = (): PushRequest => ({
  tenantId: fx.tenant.id,
  itemId: fx.item.id,
  connectionId: channelId,
  externalId,
  webhookEventId: fx.event.id,
});
const DELAYS = [1_000, 2_000];
let number = 0;
// Each call is the next attempt of one run, as the push function numbers them.
const pushToChannel = (prisma: typeof database.prisma, lookup: typeof connectorFor, req: PushRequest, now?: Date) =>
  attemptPush(prisma, lookup, req, { number: Math.min((number += 1), 3), delaysMs: DELAYS }, now);
const attemptsOf = (pushId: string) =>
  database.prisma.pipelineAttempt.findMany({ where: { channelPushId: pushId }, orderBy: { startedAt: "asc" } });

/** The storefront healthy again (simulator and breaker), and a new applied delivery to push for. */
async function healthyStorefrontAndDelivery(hashChar: string, outcome: { verdict?: "APPLIED"; action?: string } = {}) {
  sim.controls.reset(STORE);
  await database.prisma.connection.update({
    where: { id: channelId },
    data: { consecutiveFailures: 0, circuitOpenUntil: null },
  });
  return database.prisma.webhookEvent.create({
    data: {
      tenantId: fx.tenant.id,
      connectionId: fx.connection.id,
      provider: "SAM",
      payloadHash: hashChar.repeat(64),
      signatureVerdict: "VALID",
      status: "APPLIED",
      ...outcome,
    },
  });
}

describe("pushing to a storefront", () => {
  it("finds the item's channels and sends the item's current state", async () => {
    expect(await channelTargets(database.prisma, fx.tenant.id, fx.item.id)).toEqual([
      { connectionId: channelId, externalId },
    ]);
    await database.prisma.item.update({ where: { id: fx.item.id }, data: { quantity: 0, status: "SOLD" } });
    const result = await pushToChannel(database.prisma, connectorFor, request());
    expect(result).toMatchObject({ kind: "succeeded", quantity: 0, status: "SOLD" });
    expect(sim.controls.item(STORE, "ART-1")?.quantity).toBe(0);
    expect(await database.prisma.channelPush.findUniqueOrThrow({ where: { id: result.pushId } })).toMatchObject({
      state: "SUCCEEDED",
      attempts: 1,
    });
    expect(await attemptsOf(result.pushId)).toMatchObject([{ kind: "PUSH", outcome: "SUCCEEDED", number: 1 }]);
  });

  it("opens the circuit after repeated failures and stops calling the platform until it closes", async () => {
    sim.controls.set(STORE, { outage: "error", outageStatus: 503 });
    // A fresh event's push: the first push above already succeeded.
    await database.prisma.channelPush.deleteMany({ where: { connectionId: channelId } });
    number = 0;
    for (let i = 0; i < CIRCUIT_FAILURE_THRESHOLD; i += 1) {
      expect(await pushToChannel(database.prisma, connectorFor, request())).toMatchObject({
        kind: "failed",
        error: expect.stringContaining("Shop is down or failing (HTTP 503)"),
      });
    }
    const connection = await database.prisma.connection.findUniqueOrThrow({ where: { id: channelId } });
    expect(connection.consecutiveFailures).toBe(CIRCUIT_FAILURE_THRESHOLD);
    expect(connection.circuitOpenUntil).not.toBeNull();

    sim.controls.resetRequests(STORE);
    const parked = await pushToChannel(database.prisma, connectorFor, request());
    expect(parked.kind).toBe("parked");
    expect(Date.parse(parked.kind === "parked" ? parked.until : "")).toBeGreaterThanOrEqual(
      connection.circuitOpenUntil!.getTime(),
    );
    expect(sim.controls.requests(STORE).total).toBe(0);

    sim.controls.reset(STORE);
    const afterWindow = new Date(connection.circuitOpenUntil!.getTime() + 1);
    await pushToChannel(database.prisma, connectorFor, request(), afterWindow);
    expect(await database.prisma.connection.findUniqueOrThrow({ where: { id: channelId } })).toMatchObject({
      consecutiveFailures: 0,
      circuitOpenUntil: null,
    });
  });
});

describe("push attempts", () => {
  it("schedules each retry, records every attempt, and gives up after the last one keeping the event's verdict", async () => {
    const event = await healthyStorefrontAndDelivery("e", { verdict: "APPLIED", action: "1 → 0, marked Sold" });
    const [job] = await preparePushes(database.prisma, fx.tenant.id, { webhookEventId: event.id }, [fx.item.id]);
    expect(await database.prisma.channelPush.findUniqueOrThrow({ where: { id: job!.pushId } })).toMatchObject({
      state: "PENDING",
      attempts: 0,
    });
    sim.controls.set(STORE, { outage: "error", outageStatus: 503 });
    const req = { ...request(), webhookEventId: event.id, pushId: job!.pushId };
    const before = Date.now();
    const first = await attemptPush(database.prisma, connectorFor, req, {
      number: 1,
      delaysMs: DELAYS,
      inngestRunId: "run-1",
    });
    expect(first.kind).toBe("failed");
    const retryAt = first.kind === "failed" ? Date.parse(first.retryAt!) : 0;
    expect(retryAt).toBeGreaterThanOrEqual(before + DELAYS[0]!);
    expect(await database.prisma.channelPush.findUniqueOrThrow({ where: { id: job!.pushId } })).toMatchObject({
      state: "PENDING",
      runAttempt: 1,
      nextAttemptAt: new Date(retryAt),
      inngestRunId: "run-1",
    });
    await attemptPush(database.prisma, connectorFor, req, { number: 2, delaysMs: DELAYS, inngestRunId: "run-1" });
    const last = await attemptPush(database.prisma, connectorFor, req, {
      number: 3,
      delaysMs: DELAYS,
      inngestRunId: "run-1",
    });
    expect(last).toMatchObject({ kind: "failed", retryAt: null });
    expect(await giveUpPush(database.prisma, fx.tenant.id, job!.pushId, "unused")).toBe(true);
    expect(await database.prisma.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({
      status: "FAILED",
      verdict: "APPLIED",
      action: "1 → 0, marked Sold",
      error: expect.stringContaining("Not delivered to Shop after 3 attempts"),
    });
    expect((await attemptsOf(job!.pushId)).map((a) => [a.number, a.outcome, a.inngestRunId])).toEqual([
      [1, "FAILED", "run-1"],
      [2, "FAILED", "run-1"],
      [3, "FAILED", "run-1"],
    ]);

    // A replay's run adds attempts beside the original ones.
    sim.controls.reset(STORE);
    await database.prisma.connection.update({
      where: { id: channelId },
      data: { consecutiveFailures: 0, circuitOpenUntil: null },
    });
    const [again] = await preparePushes(database.prisma, fx.tenant.id, { webhookEventId: event.id }, [fx.item.id]);
    expect(again!.pushId).toBe(job!.pushId);
    expect(
      await attemptPush(database.prisma, connectorFor, req, {
        number: 1,
        delaysMs: DELAYS,
        inngestRunId: "run-2",
        replay: true,
      }),
    ).toMatchObject({ kind: "succeeded" });
    const history = await attemptsOf(job!.pushId);
    expect(history).toHaveLength(4);
    expect(history.at(-1)).toMatchObject({ outcome: "SUCCEEDED", inngestRunId: "run-2", replay: true });
    expect(await database.prisma.channelPush.findUniqueOrThrow({ where: { id: job!.pushId } })).toMatchObject({
      state: "SUCCEEDED",
      attempts: 4,
      runAttempt: 1,
    });
  });

  it("a replay leaves a push to the run still retrying it, and takes over one whose run went silent", async () => {
    const event = await healthyStorefrontAndDelivery("c", { verdict: "APPLIED" });
    const [job] = await preparePushes(database.prisma, fx.tenant.id, { webhookEventId: event.id }, [fx.item.id]);
    sim.controls.set(STORE, { outage: "error", outageStatus: 503 });
    try {
      const failed = await attemptPush(
        database.prisma,
        connectorFor,
        { ...request(), webhookEventId: event.id, pushId: job!.pushId },
        { number: 1, delaysMs: DELAYS, inngestRunId: "run-live" },
      );
      expect(failed.kind).toBe("failed");
    } finally {
      sim.controls.reset(STORE);
    }
    // Its run sleeps until the next attempt: a second run for the same storefront would race it.
    expect(await preparePushes(database.prisma, fx.tenant.id, { webhookEventId: event.id }, [fx.item.id])).toEqual([]);
    const row = await database.prisma.channelPush.findUniqueOrThrow({ where: { id: job!.pushId } });
    const longAfterDue = new Date(row.nextAttemptAt!.getTime() + 10 * 60_000);
    const [takenOver] = await preparePushes(
      database.prisma,
      fx.tenant.id,
      { webhookEventId: event.id },
      [fx.item.id],
      undefined,
      longAfterDue,
    );
    expect(takenOver?.pushId).toBe(job!.pushId);
  });

  it("waits a 429's Retry-After instead of the retry delay", async () => {
    const event = await healthyStorefrontAndDelivery("d");
    sim.controls.set(STORE, { rateLimit: { limit: 1, windowMs: 30_000 } });
    sim.stores.require(STORE).takeWindow();
    try {
      const [job] = await preparePushes(database.prisma, fx.tenant.id, { webhookEventId: event.id }, [fx.item.id]);
      const before = Date.now();
      const result = await attemptPush(
        database.prisma,
        connectorFor,
        { ...request(), webhookEventId: event.id, pushId: job!.pushId },
        { number: 1, delaysMs: DELAYS },
      );
      expect(result).toMatchObject({ kind: "failed", error: expect.stringContaining("rate limiting") });
      expect(Date.parse(result.kind === "failed" ? result.retryAt! : "")).toBeGreaterThan(before + 20_000);
      expect((await attemptsOf(job!.pushId))[0]).toMatchObject({ outcome: "RATE_LIMITED" });
    } finally {
      sim.controls.reset(STORE);
    }
  });

  it("calls nobody when another attempt delivered the push between this one's first read and its lease", async () => {
    const event = await healthyStorefrontAndDelivery("f");
    const [job] = await preparePushes(database.prisma, fx.tenant.id, { webhookEventId: event.id }, [fx.item.id]);
    const deliveredAt = new Date("2026-12-07T09:00:00Z");
    // The other attempt lands right after this one has read the row as still pending.
    const racing = deliveredAfterFirstRead(database.prisma, {
      id: job!.pushId,
      pushedAt: deliveredAt,
      read: "findFirstOrThrow",
    });
    let calls = 0;
    const counting = async () => {
      calls += 1;
      return connectorFor();
    };
    const result = await attemptPush(
      racing.client,
      counting,
      { ...request(), webhookEventId: event.id, pushId: job!.pushId },
      { number: 1, delaysMs: DELAYS, inngestRunId: "run-late" },
    );
    expect(racing.raced()).toBe(true);
    expect(result).toMatchObject({ kind: "succeeded", pushedAt: deliveredAt.toISOString() });
    expect(calls).toBe(0);
    expect(await attemptsOf(job!.pushId)).toEqual([]);
    const row = await database.prisma.channelPush.findUniqueOrThrow({ where: { id: job!.pushId } });
    expect(row).toMatchObject({ state: "SUCCEEDED", attempts: 0, inngestRunId: null });
  });
});
