import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeyring } from "@/server/crypto/secret-box";
import { storeSecret } from "@/server/crypto/secret-store";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { connectorConfigFor, createSimulator, externalIdOf, type Simulator } from "@sim";
import { postDelivery, signedSamDelivery } from "./fixtures";
import { eventually, startStack, type Stack } from "./harness";

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
const ITEMS = Array.from({ length: 6 }, (_, i) => ({
  sku: `ART-${i + 1}`,
  title: `Artwork ${i + 1}`,
  quantity: 1,
  unique: true,
}));

beforeAll(async () => {
  sim = await createSimulator({
    stores: [
      { provider: "sam", id: "bulkiso", items: ITEMS },
      { provider: "woocommerce", id: "bulkiso", items: ITEMS },
      { provider: "shopify", id: "bulkiso", items: ITEMS },
    ],
  });
  // The simulator stands in for the platforms' public hosts: the address rules allow it by name.
  stack = await startStack({
    allow: [sim.url],
    // Every delivery takes the batched path; WooCommerce's retries span about a minute.
    env: { WEBHOOK_BATCH_THRESHOLD_PER_SECOND: "0.1", STOCKHOOK_PUSH_RETRY_DELAYS: "1,2,4,8,16,32" },
  });
  const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
  const tenant = await stack.prisma.tenant.create({
    data: { slug: `bulkiso-${randomUUID().slice(0, 8)}`, name: "Bulk isolation IT", kind: "GALLERY" },
  });
  tenantId = tenant.id;
  tenantSlug = tenant.slug;
  const db = scopeToTenant(stack.prisma, tenant.id);
  const stores = {
    sam: sim.stores.require("sam:bulkiso"),
    woo: sim.stores.require(WOO),
    shopify: sim.stores.require(SHOPIFY),
  };
  const configs = {
    sam: connectorConfigFor(stores.sam, sim.url),
    woo: connectorConfigFor(stores.woo, sim.url),
    shopify: connectorConfigFor(stores.shopify, sim.url),
  };
  const sam = await db.connection.create({
    data: {
      tenantId,
      provider: "SAM",
      direction: "SOURCE",
      name: "Gallery",
      baseUrl: configs.sam.baseUrl,
      syncSchedule: "MANUAL",
    },
  });
  const woo = await db.connection.create({
    data: {
      tenantId,
      provider: "WOOCOMMERCE",
      direction: "CHANNEL",
      name: "WooCommerce",
      baseUrl: configs.woo.baseUrl,
      syncSchedule: "MANUAL",
    },
  });
  const shopify = await db.connection.create({
    data: {
      tenantId,
      provider: "SHOPIFY",
      direction: "CHANNEL",
      name: "Shopify",
      baseUrl: configs.shopify.baseUrl,
      syncSchedule: "MANUAL",
    },
  });
  samConnectionId = sam.id;
  wooConnectionId = woo.id;
  shopifyConnectionId = shopify.id;
  await storeSecret(
    db,
    { connectionId: sam.id, purpose: "WEBHOOK_SIGNING", label: "signing", plaintext: SIGNING_SECRET },
    keyring,
  );
  await storeSecret(
    db,
    {
      connectionId: sam.id,
      purpose: "API_CREDENTIAL",
      label: "api",
      plaintext: JSON.stringify(configs.sam.credentials),
    },
    keyring,
  );
  await storeSecret(
    db,
    {
      connectionId: woo.id,
      purpose: "API_CREDENTIAL",
      label: "api",
      plaintext: JSON.stringify(configs.woo.credentials),
    },
    keyring,
  );
  await storeSecret(
    db,
    {
      connectionId: shopify.id,
      purpose: "API_CREDENTIAL",
      label: "api",
      plaintext: JSON.stringify(configs.shopify.credentials),
    },
    keyring,
  );
  for (const [index, spec] of ITEMS.entries()) {
    const item = await db.item.create({
      data: { tenantId, sku: spec.sku, title: spec.title, quantity: 1, oneOfAKind: true },
    });
    await db.itemLink.createMany({
      data: [
        { tenantId, itemId: item.id, connectionId: sam.id, externalId: String(externalIdOf(stores.sam, index)) },
        { tenantId, itemId: item.id, connectionId: woo.id, externalId: String(externalIdOf(stores.woo, index)) },
        {
          tenantId,
          itemId: item.id,
          connectionId: shopify.id,
          externalId: String(externalIdOf(stores.shopify, index)),
        },
      ],
    });
  }
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
      return rows.length === ITEMS.length && rows.every((row) => row.attempts >= 1) ? rows : undefined;
    });
    expect(
      wooWaiting.every((row) => row.state === "PENDING" && /WooCommerce is down or failing/.test(row.error ?? "")),
    ).toBe(true);
    expect(ITEMS.every((spec) => sim.controls.item(WOO, spec.sku)?.quantity === 1)).toBe(true);

    sim.controls.reset(WOO);
    await eventually(
      "every WooCommerce push to land",
      async () => {
        const rows = await stack.prisma.channelPush.findMany({
          where: { webhookEventId: { in: eventIds }, connectionId: wooConnectionId },
        });
        return rows.every((row) => row.state === "SUCCEEDED") ? rows : undefined;
      },
      180_000,
    );
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
