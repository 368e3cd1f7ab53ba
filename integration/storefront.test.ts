import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeyring } from "@/server/crypto/secret-box";
import { storeSecret } from "@/server/crypto/secret-store";
import { replayEvents } from "@/server/event-log/replay";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { connectorConfigFor, createSimulator, externalIdOf, type Simulator } from "@sim";
import { postDelivery, signedSamDelivery } from "./fixtures";
import { eventually, startStack, type Stack } from "./harness";

/** A sale at the gallery reaches the (simulated) WooCommerce storefront through the real pipeline. */
let stack: Stack;
let sim: Simulator;
let tenantSlug: string;
let samConnectionId: string;
let wooConnectionId: string;
const SIGNING_SECRET = "storefront-it-secret";
const ITEMS = Array.from({ length: 6 }, (_, i) => ({
  sku: `ART-${i + 1}`,
  title: `Artwork ${i + 1}`,
  quantity: 1,
  unique: true,
}));

beforeAll(async () => {
  sim = await createSimulator({
    stores: [
      { provider: "sam", id: "it", items: ITEMS },
      { provider: "woocommerce", id: "it", items: ITEMS },
    ],
  });
  stack = await startStack({ allow: [sim.url] });
  const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
  const tenant = await stack.prisma.tenant.create({
    data: { slug: `shop-${randomUUID().slice(0, 8)}`, name: "Storefront IT", kind: "GALLERY" },
  });
  tenantSlug = tenant.slug;
  const db = scopeToTenant(stack.prisma, tenant.id);
  const samStore = sim.stores.require("sam:it");
  const wooStore = sim.stores.require("woocommerce:it");
  const woo = connectorConfigFor(wooStore, sim.url);
  const sam = await db.connection.create({
    data: {
      tenantId: tenant.id,
      provider: "SAM",
      direction: "SOURCE",
      name: "SAM",
      baseUrl: connectorConfigFor(samStore, sim.url).baseUrl,
      syncSchedule: "MANUAL",
    },
  });
  const shop = await db.connection.create({
    data: {
      tenantId: tenant.id,
      provider: "WOOCOMMERCE",
      direction: "CHANNEL",
      name: "Shop",
      baseUrl: woo.baseUrl,
      syncSchedule: "MANUAL",
    },
  });
  samConnectionId = sam.id;
  wooConnectionId = shop.id;
  await storeSecret(
    db,
    { connectionId: sam.id, purpose: "WEBHOOK_SIGNING", label: "signing", plaintext: SIGNING_SECRET },
    keyring,
  );
  await storeSecret(
    db,
    { connectionId: shop.id, purpose: "API_CREDENTIAL", label: "api", plaintext: JSON.stringify(woo.credentials) },
    keyring,
  );
  await storeSecret(
    db,
    {
      connectionId: sam.id,
      purpose: "API_CREDENTIAL",
      label: "api",
      plaintext: JSON.stringify(connectorConfigFor(samStore, sim.url).credentials),
    },
    keyring,
  );
  for (const [index, spec] of ITEMS.entries()) {
    const item = await db.item.create({
      data: { tenantId: tenant.id, sku: spec.sku, title: spec.title, quantity: 1, oneOfAKind: true },
    });
    await db.itemLink.createMany({
      data: [
        {
          tenantId: tenant.id,
          itemId: item.id,
          connectionId: sam.id,
          externalId: String(externalIdOf(samStore, index)),
        },
        {
          tenantId: tenant.id,
          itemId: item.id,
          connectionId: shop.id,
          externalId: String(externalIdOf(wooStore, index)),
        },
      ],
    });
  }
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  await sim?.close();
});

/** Requests a full reconcile (a drift check, for a channel) and waits for its run to end. */
async function reconcileAndWait(connectionId: string) {
  const tenant = await stack.prisma.tenant.findUniqueOrThrow({ where: { slug: tenantSlug } });
  const requestedAt = new Date();
  await stack.sendEvent({
    name: "stock/reconcile.requested",
    data: { tenantId: tenant.id, connectionId, mode: "full", trigger: "MANUAL" },
  });
  const run = await eventually(
    "the run to finish",
    async () => {
      // Only the run this request started (MANUAL schedules keep the cron out, but be sure).
      const row = await stack.prisma.syncRun.findFirst({
        where: { connectionId, status: { in: ["SUCCEEDED", "FAILED"] }, startedAt: { gte: requestedAt } },
        orderBy: { startedAt: "desc" },
      });
      return row ?? undefined;
    },
    60_000,
  );
  return { run, tenantId: tenant.id };
}

/** The storefront changes a moment before the push row records its success: wait for the row. */
function succeededPush(webhookEventId: string) {
  return eventually("the push to be recorded as succeeded", async () => {
    const row = await stack.prisma.channelPush.findFirstOrThrow({
      where: { webhookEventId, connectionId: wooConnectionId },
    });
    return row.state === "SUCCEEDED" ? row : undefined;
  });
}

async function sell(index: number, eventId: string) {
  const samId = Number(externalIdOf(sim.stores.require("sam:it"), index));
  const answer = await postDelivery(
    `${stack.appUrl}/api/webhooks/${tenantSlug}/${samConnectionId}`,
    signedSamDelivery(SIGNING_SECRET, { eventId, samId, stock: 0 }),
  );
  expect(answer.status).toBe(200);
  return answer.id!;
}

describe("sale → storefront", () => {
  it("shows a gallery sale as sold out on the WooCommerce storefront", async () => {
    const started = Date.now();
    const eventId = await sell(0, "evt-sale-1");
    await eventually("the storefront to show 0", async () =>
      sim.controls.item("woocommerce:it", "ART-1")?.quantity === 0 ? true : undefined,
    );
    const elapsed = Date.now() - started;
    const push = await succeededPush(eventId);
    expect(push).toMatchObject({ quantity: 0, status: "SOLD", attempts: 1 });
    // A quiet tenant's sale is applied and pushed by the app as it arrives, before any Inngest run.
    const [applied, ...others] = await stack.prisma.pipelineAttempt.findMany({
      where: { webhookEventId: eventId, kind: "PROCESSING" },
    });
    expect(others).toEqual([]);
    expect(applied).toMatchObject({ outcome: "APPLIED", inngestRunId: expect.stringMatching(/^arrival:/) });
    const [pushAttempt] = await stack.prisma.pipelineAttempt.findMany({ where: { channelPushId: push.id } });
    expect(pushAttempt).toMatchObject({ outcome: "SUCCEEDED", inngestRunId: applied!.inngestRunId });
    await eventually("the attempt on arrival to be counted", async () => {
      const scrape = await fetch(`${stack.appUrl}/api/metrics`, {
        headers: { authorization: `Bearer ${stack.env.METRICS_TOKEN}` },
      });
      return /^stockhook_arrival_attempts_total\{outcome="applied"\} [1-9]/m.test(await scrape.text())
        ? true
        : undefined;
    });
    console.log(`[storefront] webhook → storefront: ${elapsed} ms (applied on arrival)`);
  });

  it("retries a push while the storefront answers 503, then succeeds", async () => {
    sim.controls.set("woocommerce:it", { failNext: 8 });
    const eventId = await sell(1, "evt-sale-2");
    await eventually(
      "the storefront to show 0",
      async () => (sim.controls.item("woocommerce:it", "ART-2")?.quantity === 0 ? true : undefined),
      60_000,
    );
    const push = await succeededPush(eventId);
    expect(push.attempts).toBeGreaterThan(1);
  });

  it("waits out a 429's Retry-After before pushing again, then succeeds", async () => {
    // One request per 3 s window, and this window already used: the push is answered 429 with a
    // Retry-After, and the next request must wait for it.
    sim.controls.resetRequests("woocommerce:it");
    sim.controls.set("woocommerce:it", { rateLimit: { limit: 1, windowMs: 3_000 } });
    sim.stores.require("woocommerce:it").takeWindow();
    try {
      const eventId = await sell(5, "evt-sale-429");
      await eventually(
        "the storefront to show 0",
        async () => (sim.controls.item("woocommerce:it", "ART-6")?.quantity === 0 ? true : undefined),
        60_000,
      );
      const log = sim.controls.requests("woocommerce:it").log;
      const limited = log.find((entry) => entry.status === 429);
      expect(limited, "the storefront answered 429 at least once").toBeDefined();
      const nextSuccess = log.find((entry) => entry.status < 300 && Date.parse(entry.at) > Date.parse(limited!.at));
      expect(nextSuccess).toBeDefined();
      const waited = Date.parse(nextSuccess!.at) - Date.parse(limited!.at);
      // Retry-After is at least 1 s (the storefront rounds up): the client waited it out rather
      // than coming straight back, and was not refused again and again.
      expect(waited).toBeGreaterThanOrEqual(900);
      expect(log.filter((entry) => entry.status === 429).length).toBeLessThanOrEqual(2);
      await succeededPush(eventId);
      console.log(
        `[storefront] 429 → next successful request after ${waited} ms; ${log.filter((e) => e.status === 429).length} × 429`,
      );
    } finally {
      sim.controls.reset("woocommerce:it");
    }
  });

  it("marks the event FAILED when the storefront stays down, and a replay succeeds after recovery", async () => {
    sim.controls.set("woocommerce:it", { outage: "error", outageStatus: 503 });
    const eventId = await sell(2, "evt-sale-3");
    const failed = await eventually(
      "the event to fail",
      async () => {
        const event = await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
        return event.status === "FAILED" ? event : undefined;
      },
      110_000,
    );
    expect(failed.error).toBeTruthy();
    expect((await stack.prisma.channelPush.findFirstOrThrow({ where: { webhookEventId: eventId } })).state).toBe(
      "FAILED",
    );
    expect(sim.controls.item("woocommerce:it", "ART-3")?.quantity).toBe(1);

    sim.controls.reset("woocommerce:it");
    // The dashboard's replay; the breaker the outage opened is left as it is: the re-push waits for it.
    const failedEvent = await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } });
    expect(await replayEvents(scopeToTenant(stack.prisma, failedEvent.tenantId), [eventId], stack.sendEvent)).toEqual({
      replayed: [eventId],
      deferred: [],
      refused: [],
    });
    await eventually(
      "the replay to reach the storefront",
      async () => (sim.controls.item("woocommerce:it", "ART-3")?.quantity === 0 ? true : undefined),
      60_000,
    );
    await eventually("the replayed event to be APPLIED", async () =>
      (await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id: eventId } })).status === "APPLIED"
        ? true
        : undefined,
    );
  });
});

describe("reconcile through the real pipeline", () => {
  it("fixes drift found at the source and pushes the corrected items to the storefront", async () => {
    // The gallery sold ART-5 but its webhook never arrived; the storefront still shows it.
    sim.controls.setItem("sam:it", "ART-5", { quantity: 0 });
    const soldBefore = await stack.prisma.item.findMany({ where: { status: "SOLD" }, select: { sku: true } });
    const { run, tenantId } = await reconcileAndWait(samConnectionId);
    // Exactly ART-5 changed: the sales recorded from webhooks (newer than the source's listing) stay sold.
    expect(run).toMatchObject({ status: "SUCCEEDED", itemsScanned: ITEMS.length, itemsCreated: 0, itemsChanged: 1 });
    expect(await stack.prisma.item.findFirstOrThrow({ where: { tenantId, sku: "ART-5" } })).toMatchObject({
      status: "SOLD",
      quantity: 0,
    });
    expect(soldBefore.length).toBeGreaterThan(0);
    const stillSold = await stack.prisma.item.findMany({
      where: { tenantId, sku: { in: soldBefore.map((item) => item.sku) } },
      select: { sku: true, status: true, quantity: true },
    });
    expect(stillSold.filter((item) => item.status !== "SOLD" || item.quantity !== 0)).toEqual([]);
    await eventually(
      "the storefront to show ART-5 sold",
      async () => (sim.controls.item("woocommerce:it", "ART-5")?.quantity === 0 ? true : undefined),
      60_000,
    );
  });
});

describe("channel drift check through the real pipeline", () => {
  it("puts back the canonical stock on a storefront that drifted", async () => {
    // Someone edited the shop by hand: ART-4 (one of a kind, still available once) shows 5.
    sim.controls.setItem("woocommerce:it", "ART-4", { quantity: 5 });
    const { run } = await reconcileAndWait(wooConnectionId);
    expect(run).toMatchObject({ status: "SUCCEEDED", itemsScanned: ITEMS.length, itemsChanged: 1 });
    await eventually(
      "the storefront to show ART-4 at 1 again",
      async () => (sim.controls.item("woocommerce:it", "ART-4")?.quantity === 1 ? true : undefined),
      60_000,
    );
  });
});
