import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionHealth } from "@/server/connections/connection-health";
import { undeliveredItems } from "@/server/insights/tenant-insights";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { scopeToTenant, type TenantDb } from "@/server/tenancy/tenant-db";
import { itemTimeline } from "./item-timeline";
import { pushProgress } from "./push-progress";
import { queueStats } from "./queue-stats";
import { eventDetail, listTimeline } from "./timeline";

/**
 * What a shop owner sees while one storefront fails and the other works: one applied sale, its
 * push to Shopify delivered, its push to WooCommerce on its third attempt with the next one due.
 */
let database: TestDatabase;
let fx: TenantFixture;
let db: TenantDb;
let wooId: string;
let shopifyId: string;
let wooPushId: string;
const nextAttemptAt = new Date(Date.now() + 30_000);

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createTenantFixture(database.prisma, "outage");
  db = scopeToTenant(database.prisma, fx.tenant.id);
  const channel = (provider: "WOOCOMMERCE" | "SHOPIFY", name: string) =>
    db.connection.create({
      data: { tenantId: fx.tenant.id, provider, direction: "CHANNEL", name, baseUrl: "http://127.0.0.1:1/x" },
    });
  wooId = (await channel("WOOCOMMERCE", "WooCommerce")).id;
  shopifyId = (await channel("SHOPIFY", "Shopify")).id;
  await database.prisma.webhookEvent.update({
    where: { id: fx.event.id },
    data: { itemId: fx.item.id, verdict: "APPLIED", action: "1 → 0, marked Sold" },
  });
  const push = (connectionId: string, data: object) =>
    db.channelPush.create({
      data: {
        tenantId: fx.tenant.id,
        connectionId,
        itemId: fx.item.id,
        webhookEventId: fx.event.id,
        quantity: 0,
        status: "SOLD",
        ...data,
      },
    });
  await push(shopifyId, { state: "SUCCEEDED", attempts: 1, runAttempt: 1, pushedAt: new Date() });
  const woo = await push(wooId, {
    state: "PENDING",
    attempts: 2,
    runAttempt: 2,
    nextAttemptAt,
    error: "WooCommerce is down or failing (HTTP 503): simulated outage",
  });
  wooPushId = woo.id;
  for (const number of [1, 2]) {
    await db.pipelineAttempt.create({
      data: {
        tenantId: fx.tenant.id,
        kind: "PUSH",
        channelPushId: woo.id,
        webhookEventId: fx.event.id,
        connectionId: wooId,
        itemId: fx.item.id,
        number,
        outcome: "FAILED",
        error: "WooCommerce is down or failing (HTTP 503)",
        inngestRunId: "run-1",
        startedAt: new Date(),
      },
    });
  }
}, 60_000);
afterAll(() => database?.close());

describe("a storefront failing while another works", () => {
  it("reads Retrying 3/7 with the next attempt's time, Paused behind an open breaker, and Failed once given up", () => {
    const base = { state: "PENDING" as const, attempts: 2, runAttempt: 2, nextAttemptAt, error: "down" };
    expect(pushProgress(base, 7)).toMatchObject({
      phase: "retrying",
      label: expect.stringMatching(/^Retrying 3\/7 — next attempt at \d\d:\d\d:\d\d$/),
    });
    expect(pushProgress({ ...base, error: "WooCommerce is paused after repeated failures; …" }, 7).phase).toBe(
      "parked",
    );
    expect(pushProgress({ ...base, state: "FAILED", attempts: 7 }, 7).label).toBe("Failed after 7 attempts");
    expect(pushProgress({ ...base, state: "SUCCEEDED", attempts: 1 }, 7).label).toBe("Delivered");
    expect(pushProgress({ ...base, runAttempt: 0, error: null }, 7).label).toBe("Queued");
  });

  it("gives the event row and the drawer a line per storefront, and the drawer every attempt", async () => {
    const { events } = await listTimeline(db, {});
    const row = events.find((event) => event.id === fx.event.id)!;
    expect(row.deliveries.map((push) => [push.connection.name, push.state])).toEqual(
      expect.arrayContaining([
        ["Shopify", "SUCCEEDED"],
        ["WooCommerce", "PENDING"],
      ]),
    );
    const detail = (await eventDetail(db, fx.event.id))!;
    expect(detail.pushes).toHaveLength(2);
    expect(detail.history.map((attempt) => [attempt.number, attempt.outcome, attempt.inngestRunId])).toEqual([
      [1, "FAILED", "run-1"],
      [2, "FAILED", "run-1"],
    ]);
    expect(detail.maxPushAttempts).toBe(7);
  });

  it("filters the timeline to what one storefront has not received", async () => {
    expect((await listTimeline(db, { undeliveredTo: wooId })).events.map((event) => event.id)).toEqual([fx.event.id]);
    expect((await listTimeline(db, { undeliveredTo: shopifyId })).events).toHaveLength(0);
  });

  it("lists a push still waiting for its first attempt as not received, and drops it once it lands", async () => {
    const later = await database.prisma.webhookEvent.create({
      data: {
        tenantId: fx.tenant.id,
        connectionId: fx.connection.id,
        provider: "SAM",
        payloadHash: "1".repeat(64),
        signatureVerdict: "VALID",
        status: "APPLIED",
        itemId: fx.item.id,
      },
    });
    // Parked behind another push of the item: no attempt made, no error of its own.
    const waiting = await db.channelPush.create({
      data: {
        tenantId: fx.tenant.id,
        connectionId: wooId,
        itemId: fx.item.id,
        webhookEventId: later.id,
        quantity: 0,
        status: "SOLD",
      },
    });
    try {
      const undelivered = async () =>
        (await listTimeline(db, { undeliveredTo: wooId })).events.map((event) => event.id).sort();
      expect(await undelivered()).toEqual([fx.event.id, later.id].sort());
      await db.channelPush.update({ where: { id: waiting.id }, data: { state: "SUCCEEDED", attempts: 1 } });
      expect(await undelivered()).toEqual([fx.event.id]);
    } finally {
      await db.channelPush.delete({ where: { id: waiting.id } });
      await database.prisma.webhookEvent.delete({ where: { id: later.id } });
    }
  });

  it("names the failing storefront's undelivered SKUs and reads it Failing, the healthy one not", async () => {
    expect(await undeliveredItems(database.prisma, fx.tenant.id, [wooId, shopifyId])).toEqual([
      { connectionId: wooId, skus: [fx.item.sku], count: 1 },
    ]);
    const health = await connectionHealth(db, [wooId, shopifyId, fx.connection.id]);
    expect(health.get(wooId)).toMatchObject({ circuit: "open", retryingPushes: 1, failedPushAttempts24h: 2 });
    expect(health.get(shopifyId)).toMatchObject({ circuit: "closed", retryingPushes: 0 });
  });

  it("lists the retry on the Queue page by item and store, and counts a given-up push against the storefront, not the source", async () => {
    const retrying = await queueStats(db, database.prisma);
    expect(retrying.pushRetries).toMatchObject([
      { id: wooPushId, sku: fx.item.sku, runAttempt: 2, connection: { name: "WooCommerce" } },
    ]);

    await db.channelPush.update({
      where: { id: wooPushId },
      data: { state: "FAILED", attempts: 7, runAttempt: 7, nextAttemptAt: null },
    });
    await database.prisma.webhookEvent.update({
      where: { id: fx.event.id },
      data: { status: "FAILED", error: "Not delivered to WooCommerce after 7 attempts" },
    });
    const failed = await queueStats(db, database.prisma);
    const counts = new Map(failed.connections.map((connection) => [connection.id, connection.counts.failed]));
    expect(counts.get(wooId)).toBe(1);
    expect(counts.get(fx.connection.id)).toBe(0);
    expect(failed.deadLettered.find((event) => event.id === fx.event.id)).toMatchObject({
      failedPushes: [{ attempts: 7, connection: { name: "WooCommerce" } }],
    });
  });

  it("keeps the failure period in the item's history", async () => {
    const timeline = (await itemTimeline(db, fx.item.id))!;
    expect(timeline.entries.filter((entry) => entry.kind === "attempt")).toHaveLength(2);
  });
});
