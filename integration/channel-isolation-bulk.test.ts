import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayEvents } from "@/server/event-log/replay";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { externalIdOf, type Simulator } from "@sim";
import { postDelivery, signedSamDelivery } from "./fixtures";
import { startGalleryWithTwoShops, uniqueWorks } from "./gallery-with-two-shops";
import { eventually, type Stack } from "./harness";

/**
 * The batched path's bulk pushes keep channel isolation: every delivery of this tenant goes to
 * apply-webhook-batch (WEBHOOK_BATCH_THRESHOLD_PER_SECOND at its minimum), so each storefront's
 * pushes are one push-channel-batch run per batch. WooCommerce is down: Shopify still shows every
 * sale, WooCommerce's rows retry on their own and land once it is back, every row with its attempts.
 */
let stack: Stack;
let sim: Simulator;
let tenantId: string;
let tenantSlug: string;
let samConnectionId: string;
let wooConnectionId: string;
let shopifyConnectionId: string;
const SIGNING_SECRET = "bulk-isolation-it-secret";
const WOO = "woocommerce:bulkiso";
const SHOPIFY = "shopify:bulkiso";
const WORKS = uniqueWorks(12);
/** The first test sells these; the replay test the rest. */
const ITEMS = WORKS.slice(0, 6);
const REPLAYED = WORKS.slice(6);

beforeAll(async () => {
  ({ stack, sim, tenantId, tenantSlug, samConnectionId, wooConnectionId, shopifyConnectionId } =
    await startGalleryWithTwoShops({
      storeId: "bulkiso",
      tenantName: "Bulk isolation IT",
      signingSecret: SIGNING_SECRET,
      items: WORKS,
      // Every delivery takes the batched path; WooCommerce's retries span about a minute, so the
      // replay test's pushes run out of attempts in time (the harness keeps the breaker's pause at 2 s).
      env: { WEBHOOK_BATCH_THRESHOLD_PER_SECOND: "0.1", STOCKHOOK_PUSH_RETRY_DELAYS: "1,2,4,8,16,32" },
    }));
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  await sim?.close();
});

async function sell(index: number, eventId: string) {
  const samId = Number(externalIdOf(sim.stores.require("sam:bulkiso"), index));
  const answer = await postDelivery(
    `${stack.appUrl}/api/webhooks/${tenantSlug}/${samConnectionId}`,
    signedSamDelivery(SIGNING_SECRET, { eventId, samId, stock: 0 }),
  );
  expect(answer.status).toBe(200);
  return answer.id!;
}

const attemptsOf = (pushId: string) =>
  stack.prisma.pipelineAttempt.findMany({
    where: { channelPushId: pushId },
    orderBy: [{ startedAt: "asc" }, { finishedAt: "asc" }],
  });

/** The events' WooCommerce push rows, once every one of them has landed. */
const wooPushesLanded = (what: string, eventIds: string[], timeoutMs: number) =>
  eventually(
    what,
    async () => {
      const rows = await stack.prisma.channelPush.findMany({
        where: { webhookEventId: { in: eventIds }, connectionId: wooConnectionId },
      });
      return rows.every((row) => row.state === "SUCCEEDED") ? rows : undefined;
    },
    timeoutMs,
  );

describe("bulk pushes keep a storefront outage to itself", () => {
  it("WooCommerce is down during a batch: Shopify shows every sale, WooCommerce's rows land once it is back", async () => {
    sim.controls.set(WOO, { outage: "error" });
    const eventIds = await Promise.all(ITEMS.map((_, index) => sell(index, `bulk-sale-${index}`)));

    for (const spec of ITEMS)
      await eventually(
        `Shopify to show ${spec.sku} sold`,
        async () => (sim.controls.item(SHOPIFY, spec.sku)?.quantity === 0 ? true : undefined),
        120_000,
      );
    const shopifyRows = await eventually("every Shopify push to be recorded", async () => {
      const rows = await stack.prisma.channelPush.findMany({
        where: { webhookEventId: { in: eventIds }, connectionId: shopifyConnectionId },
      });
      return rows.length === ITEMS.length && rows.every((row) => row.state === "SUCCEEDED") ? rows : undefined;
    });
    // Applied on the batched path, so pushed by push-channel-batch.
    const processing = await stack.prisma.pipelineAttempt.findMany({
      where: { webhookEventId: { in: eventIds }, kind: "PROCESSING", outcome: "APPLIED" },
    });
    expect(processing.length).toBeGreaterThanOrEqual(ITEMS.length);
    expect(processing.every((attempt) => /batch of \d+/.test(attempt.detail ?? ""))).toBe(true);
    // WooCommerce has not taken anything yet, and says why on each of its rows.
    const wooWaiting = await eventually("WooCommerce's rows to record a failed attempt", async () => {
      const rows = await stack.prisma.channelPush.findMany({
        where: { webhookEventId: { in: eventIds }, connectionId: wooConnectionId },
      });
      // A row's attempt is counted when its call starts and its error written when the call fails.
      return rows.length === ITEMS.length && rows.every((row) => row.attempts >= 1 && row.error) ? rows : undefined;
    });
    expect(
      wooWaiting.every((row) => row.state === "PENDING" && /WooCommerce is down or failing/.test(row.error ?? "")),
    ).toBe(true);
    expect(ITEMS.every((spec) => sim.controls.item(WOO, spec.sku)?.quantity === 1)).toBe(true);

    sim.controls.reset(WOO);
    await wooPushesLanded("every WooCommerce push to land", eventIds, 180_000);
    expect(ITEMS.every((spec) => sim.controls.item(WOO, spec.sku)?.quantity === 0)).toBe(true);
    for (const row of shopifyRows) {
      const attempts = await attemptsOf(row.id);
      expect(attempts.map((attempt) => attempt.outcome)).toEqual(["SUCCEEDED"]);
    }
    const wooAttempts = await stack.prisma.pipelineAttempt.findMany({
      where: { channelPush: { webhookEventId: { in: eventIds }, connectionId: wooConnectionId } },
    });
    expect(wooAttempts.filter((attempt) => attempt.outcome === "SUCCEEDED")).toHaveLength(ITEMS.length);
    expect(wooAttempts.some((attempt) => attempt.outcome === "FAILED" || attempt.outcome === "PARKED")).toBe(true);
    const events = await stack.prisma.webhookEvent.findMany({ where: { id: { in: eventIds } } });
    expect(events.every((event) => event.status === "APPLIED")).toBe(true);
  }, 360_000);
});

describe("a bulk replay after a storefront's outage", () => {
  it("pushes the deliveries already applied to the storefront that missed them in bulk, one run for the lot", async () => {
    sim.controls.set(WOO, { outage: "error" });
    const offset = ITEMS.length;
    const eventIds = await Promise.all(REPLAYED.map((_, index) => sell(offset + index, `bulk-replay-sale-${index}`)));
    const failed = await eventually(
      "every sale to fail on WooCommerce's retry budget",
      async () => {
        const rows = await stack.prisma.webhookEvent.findMany({ where: { id: { in: eventIds } } });
        return rows.length === REPLAYED.length && rows.every((row) => row.status === "FAILED") ? rows : undefined;
      },
      240_000,
    );
    expect(failed.every((event) => event.verdict === "APPLIED")).toBe(true);
    await eventually("Shopify to show every sale", async () =>
      REPLAYED.every((spec) => sim.controls.item(SHOPIFY, spec.sku)?.quantity === 0) ? true : undefined,
    );

    sim.controls.reset(WOO);
    const replay = await replayEvents(scopeToTenant(stack.prisma, tenantId), eventIds, stack.sendEvent);
    expect([...replay.replayed].sort()).toEqual([...eventIds].sort());
    const wooRows = await wooPushesLanded("every replayed WooCommerce push to land", eventIds, 120_000);
    expect(wooRows).toHaveLength(REPLAYED.length);
    expect(REPLAYED.every((spec) => sim.controls.item(WOO, spec.sku)?.quantity === 0)).toBe(true);
    // One push-channel-batch run took every row (a push-item run takes one row).
    const landed = await stack.prisma.pipelineAttempt.findMany({
      where: { channelPushId: { in: wooRows.map((row) => row.id) }, outcome: "SUCCEEDED" },
    });
    expect(landed).toHaveLength(REPLAYED.length);
    expect(landed.every((attempt) => attempt.replay)).toBe(true);
    expect(new Set(landed.map((attempt) => attempt.inngestRunId)).size).toBe(1);
    // Applied once: the replay pushed again and kept each event's verdict.
    const events = await stack.prisma.webhookEvent.findMany({ where: { id: { in: eventIds } } });
    expect(events.every((event) => event.status === "APPLIED" && event.verdict === "APPLIED")).toBe(true);
    const changes = await stack.prisma.stockChange.count({ where: { webhookEventId: { in: eventIds } } });
    expect(changes).toBe(REPLAYED.length);
    // Shopify, already delivered, was not pushed again.
    const shopifyAttempts = await stack.prisma.pipelineAttempt.count({
      where: { channelPush: { webhookEventId: { in: eventIds }, connectionId: shopifyConnectionId } },
    });
    expect(shopifyAttempts).toBe(REPLAYED.length);
  }, 420_000);
});
