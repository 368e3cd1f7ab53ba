import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replayEvents } from "@/server/event-log/replay";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { externalIdOf, type Simulator } from "@sim";
import { postDelivery, signedSamDelivery } from "./fixtures";
import { startGalleryWithTwoShops, uniqueWorks } from "./gallery-with-two-shops";
import { eventually, type Stack } from "./harness";

/**
 * One storefront's outage never delays another: a gallery sells to a WooCommerce shop and a
 * Shopify store; WooCommerce is down (503 for its whole retry budget) or rate limits with a long
 * Retry-After, and the sale still reaches Shopify at once. WooCommerce then catches up — by a
 * replay through the product's replay code, or on its own retry — and every attempt is on record.
 * The harness retries pushes after 1 s (STOCKHOOK_PUSH_RETRY_DELAYS) with a 2 s breaker window.
 */
let stack: Stack;
let sim: Simulator;
let tenantId: string;
let tenantSlug: string;
let samConnectionId: string;
let wooConnectionId: string;
let shopifyConnectionId: string;
const SIGNING_SECRET = "isolation-it-secret";
const WOO = "woocommerce:iso";
const SHOPIFY = "shopify:iso";
const ITEMS = uniqueWorks(4);
const figures: string[] = [];

beforeAll(async () => {
  ({ stack, sim, tenantId, tenantSlug, samConnectionId, wooConnectionId, shopifyConnectionId } =
    await startGalleryWithTwoShops({
      storeId: "iso",
      tenantName: "Isolation IT",
      signingSecret: SIGNING_SECRET,
      items: ITEMS,
    }));
}, 240_000);
afterAll(async () => {
  if (figures.length) console.log(figures.join("\n"));
  await stack?.stop();
  await sim?.close();
});

async function sell(index: number, eventId: string) {
  const samId = Number(externalIdOf(sim.stores.require("sam:iso"), index));
  const answer = await postDelivery(
    `${stack.appUrl}/api/webhooks/${tenantSlug}/${samConnectionId}`,
    signedSamDelivery(SIGNING_SECRET, { eventId, samId, stock: 0 }),
  );
  expect(answer.status).toBe(200);
  return answer.id!;
}

const pushOf = (webhookEventId: string, connectionId: string) =>
  stack.prisma.channelPush.findFirst({ where: { webhookEventId, connectionId } });
const attemptsOf = (pushId: string) =>
  stack.prisma.pipelineAttempt.findMany({
    where: { channelPushId: pushId },
    orderBy: [{ startedAt: "asc" }, { finishedAt: "asc" }],
  });

/** Shopify shows the sale (the simulator's item state) and its push row says SUCCEEDED; returns the elapsed ms. */
async function shopifyShowsSale(sku: string, webhookEventId: string, since: number) {
  await eventually(
    `Shopify to show ${sku} sold`,
    async () => (sim.controls.item(SHOPIFY, sku)?.quantity === 0 ? true : undefined),
    60_000,
  );
  const elapsed = Date.now() - since;
  const push = await eventually("the Shopify push to be recorded", async () => {
    const row = await pushOf(webhookEventId, shopifyConnectionId);
    return row?.state === "SUCCEEDED" ? row : undefined;
  });
  return { elapsed, push };
}

describe("a storefront outage does not delay the other storefront", () => {
  it("WooCommerce answers 503 for its whole retry budget: Shopify is updated at once, WooCommerce catches up by replay, every attempt is recorded", async () => {
    sim.controls.set(WOO, { outage: "error", outageStatus: 503 });
    const started = Date.now();
    const eventId = await sell(0, "evt-iso-503");
    const { elapsed, push: shopifyPush } = await shopifyShowsSale("ART-1", eventId, started);
    figures.push(`[isolation] sale → Shopify while WooCommerce answers 503: ${elapsed} ms (including 250 ms polling)`);
    expect(shopifyPush).toMatchObject({ quantity: 0, status: "SOLD", attempts: 1 });

    // Visible from the first failed attempt: WooCommerce's push is retrying with its next attempt scheduled.
    const retrying = await eventually("WooCommerce's push to be retrying", async () => {
      const row = await pushOf(eventId, wooConnectionId);
      return row && row.state === "PENDING" && row.error && row.nextAttemptAt ? row : undefined;
    });
    expect(retrying.error).toContain("WooCommerce is down or failing (HTTP 503)");
    expect((await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } })).status).toBe("APPLIED");

    const failed = await eventually(
      "the event to fail after WooCommerce's last attempt",
      async () => {
        const event = await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
        return event.status === "FAILED" ? event : undefined;
      },
      180_000,
    );
    const wooPush = (await pushOf(eventId, wooConnectionId))!;
    expect(wooPush).toMatchObject({ state: "FAILED", attempts: 7, runAttempt: 7 });
    expect(failed).toMatchObject({
      verdict: "APPLIED",
      error: expect.stringContaining("Not delivered to WooCommerce after 7 attempts"),
    });
    expect(sim.controls.item(WOO, "ART-1")?.quantity).toBe(1);
    // Shopify did not wait for WooCommerce: it was delivered before WooCommerce's last attempt even began.
    const wooAttempts = await attemptsOf(wooPush.id);
    const platformCalls = wooAttempts.filter((attempt) => attempt.outcome !== "PARKED");
    expect(platformCalls.map((attempt) => [attempt.number, attempt.outcome])).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => [n, "FAILED"]),
    );
    // The first attempt is the delivery's own run's (the fast path's push step), the retries one push-item run's.
    const [firstAttempt, ...retries] = wooAttempts;
    const applyAttempt = await stack.prisma.pipelineAttempt.findFirstOrThrow({
      where: { webhookEventId: eventId, kind: "PROCESSING" },
    });
    expect(firstAttempt!.inngestRunId).toBe(applyAttempt.inngestRunId);
    expect(new Set(retries.map((attempt) => attempt.inngestRunId)).size).toBe(1);
    expect(retries[0]!.inngestRunId).not.toBe(applyAttempt.inngestRunId);
    expect(shopifyPush.pushedAt!.getTime()).toBeLessThan(platformCalls.at(-1)!.startedAt.getTime());
    const originalAction = failed.action;
    expect(originalAction).toBeTruthy();

    // WooCommerce recovers; the failed event is replayed the way the dashboard does it.
    sim.controls.reset(WOO);
    const replay = await replayEvents(scopeToTenant(stack.prisma, tenantId), [eventId], stack.sendEvent);
    expect(replay.replayed).toEqual([eventId]);
    await eventually(
      "WooCommerce to show ART-1 sold after the replay",
      async () => (sim.controls.item(WOO, "ART-1")?.quantity === 0 ? true : undefined),
      90_000,
    );
    const replayed = await eventually("the replayed push to be recorded", async () => {
      const row = await pushOf(eventId, wooConnectionId);
      return row?.state === "SUCCEEDED" ? row : undefined;
    });
    expect(replayed.attempts).toBe(8);
    const event = await eventually("the replay to finish", async () => {
      const row = await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
      return row.status === "APPLIED" ? row : undefined;
    });
    // The original outcome stays: the replay pushed again without applying anything a second time.
    expect(event).toMatchObject({ verdict: "APPLIED", action: originalAction, error: null });
    expect(await stack.prisma.stockChange.count({ where: { webhookEventId: eventId } })).toBe(1);
    const history = await attemptsOf(wooPush.id);
    expect(history.slice(0, wooAttempts.length).map((a) => a.id)).toEqual(wooAttempts.map((a) => a.id));
    expect(history.at(-1)).toMatchObject({ outcome: "SUCCEEDED", replay: true });
    expect(history.at(-1)!.inngestRunId).not.toBe(wooAttempts[0]!.inngestRunId);
    const processing = await stack.prisma.pipelineAttempt.findMany({
      where: { webhookEventId: eventId, kind: "PROCESSING" },
      orderBy: { startedAt: "asc" },
    });
    expect(processing.map((attempt) => [attempt.outcome, attempt.replay])).toEqual([
      ["APPLIED", false],
      ["APPLIED", true],
    ]);
    expect(processing[0]!.inngestRunId).not.toBe(processing[1]!.inngestRunId);
    // Shopify, already delivered, was not pushed again by the replay.
    expect(await attemptsOf(shopifyPush.id)).toHaveLength(1);
  });

  it("WooCommerce answers 429 with a long Retry-After: Shopify is updated at once, WooCommerce catches up on its own retry after waiting it out", async () => {
    await eventually("WooCommerce's breaker to be closed", async () => {
      const connection = await stack.prisma.connection.findUniqueOrThrow({ where: { id: wooConnectionId } });
      return !connection.circuitOpenUntil || connection.circuitOpenUntil < new Date() ? true : undefined;
    });
    const RETRY_AFTER_MS = 20_000;
    sim.controls.resetRequests(WOO);
    sim.controls.set(WOO, { rateLimit: { limit: 1, windowMs: RETRY_AFTER_MS } });
    sim.stores.require(WOO).takeWindow();
    const windowEndsAt = Date.now() + RETRY_AFTER_MS;
    try {
      const started = Date.now();
      const eventId = await sell(1, "evt-iso-429");
      const { elapsed } = await shopifyShowsSale("ART-2", eventId, started);
      figures.push(
        `[isolation] sale → Shopify while WooCommerce answers 429 (Retry-After ${RETRY_AFTER_MS / 1000} s): ${elapsed} ms (including 250 ms polling)`,
      );

      const limited = await eventually("WooCommerce's push to wait out its Retry-After", async () => {
        const row = await pushOf(eventId, wooConnectionId);
        return row?.state === "PENDING" && row.nextAttemptAt ? row : undefined;
      });
      expect(limited.error).toContain("rate limiting");
      // The next attempt is scheduled at the storefront's Retry-After: when its window ends (whole seconds).
      expect(limited.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(windowEndsAt - 1_000);
      await eventually(
        "WooCommerce to show ART-2 sold",
        async () => (sim.controls.item(WOO, "ART-2")?.quantity === 0 ? true : undefined),
        90_000,
      );
      const delivered = await eventually("WooCommerce's push to be recorded", async () => {
        const row = await pushOf(eventId, wooConnectionId);
        return row?.state === "SUCCEEDED" ? row : undefined;
      });
      const attempts = await attemptsOf(delivered.id);
      expect(attempts[0]).toMatchObject({ number: 1, outcome: "RATE_LIMITED" });
      expect(attempts.at(-1)).toMatchObject({ outcome: "SUCCEEDED", replay: false });
      // It waited the Retry-After out instead of coming back at once.
      const waited = attempts.at(-1)!.startedAt.getTime() - attempts[0]!.finishedAt.getTime();
      expect(attempts.at(-1)!.startedAt.getTime()).toBeGreaterThanOrEqual(limited.nextAttemptAt!.getTime() - 1_000);
      expect(sim.controls.requests(WOO).log.filter((entry) => entry.status === 429).length).toBeLessThanOrEqual(2);
      expect((await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } })).status).toBe("APPLIED");
      figures.push(
        `[isolation] WooCommerce 429 → next attempt after ${waited} ms; ${attempts.length} attempts recorded`,
      );
    } finally {
      sim.controls.reset(WOO);
    }
  });

  it("a replay after a newer change pushes the item's state now, never the old sale's: stock does not regress", async () => {
    // A sale whose WooCommerce push fails for the whole retry budget…
    sim.controls.set(WOO, { outage: "error", outageStatus: 503 });
    let saleId: string;
    try {
      saleId = await sell(2, "evt-iso-regress-sale");
      await shopifyShowsSale("ART-3", saleId, Date.now());
      await eventually(
        "the sale to fail after WooCommerce's last attempt",
        async () =>
          (await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id: saleId } })).status === "FAILED"
            ? true
            : undefined,
        180_000,
      );
    } finally {
      sim.controls.reset(WOO);
    }
    // …then the piece comes back at the source (a newer delivery), which every storefront takes.
    const samId = Number(externalIdOf(sim.stores.require("sam:iso"), 2));
    const back = await postDelivery(
      `${stack.appUrl}/api/webhooks/${tenantSlug}/${samConnectionId}`,
      signedSamDelivery(SIGNING_SECRET, { eventId: "evt-iso-regress-return", samId, stock: 1 }),
    );
    expect(back.status).toBe(200);
    for (const store of [WOO, SHOPIFY])
      await eventually(
        `${store} to show ART-3 back`,
        async () => (sim.controls.item(store, "ART-3")?.quantity === 1 ? true : undefined),
        60_000,
      );
    const shopifySalePush = (await pushOf(saleId, shopifyConnectionId))!;

    // Replaying the old sale pushes WooCommerce again — with the item's state now, not the sale's 0.
    const replay = await replayEvents(scopeToTenant(stack.prisma, tenantId), [saleId], stack.sendEvent);
    expect(replay.replayed).toEqual([saleId]);
    const replayedPush = await eventually(
      "the sale's WooCommerce push to succeed on replay",
      async () => {
        const row = await pushOf(saleId, wooConnectionId);
        return row?.state === "SUCCEEDED" ? row : undefined;
      },
      90_000,
    );
    expect(replayedPush.quantity).toBe(1);
    expect(sim.controls.item(WOO, "ART-3")?.quantity).toBe(1);
    expect(sim.controls.item(SHOPIFY, "ART-3")?.quantity).toBe(1);
    const item = await stack.prisma.item.findFirstOrThrow({ where: { tenantId, sku: "ART-3" } });
    expect(item).toMatchObject({ quantity: 1, status: "AVAILABLE" });
    // The sale was applied once, and Shopify (already updated for it) was not pushed for it again.
    expect(await stack.prisma.stockChange.count({ where: { webhookEventId: saleId } })).toBe(1);
    expect(await attemptsOf(shopifySalePush.id)).toHaveLength(1);
  });
});
