import { afterAll, beforeAll, expect, it } from "vitest";
import { applyStockChange } from "@/server/inventory/apply-change";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { noRetryConnector } from "@test-support/sim-connectors";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { connectorConfigFor, createSimulator, externalIdOf, type Simulator } from "@sim";
import { attemptPush } from "./channel-push";

/**
 * A Shopify store that is both a source (its webhooks) and a channel (Stockhook's pushes): the
 * push quotes the quantity Stockhook last saw there, and a sale at Shopify that raced the push
 * is kept rather than overwritten — and not subtracted twice once its webhook has been applied.
 */
let database: TestDatabase;
let sim: Simulator;
let fx: TenantFixture;
let channelId: string;
let sourceId: string;
let externalId: string;
const STORE = "shopify:race";

const connectorFor = async () => noRetryConnector(sim, STORE);
const shopifyQuantity = () => sim.stores.require(STORE).catalogue.item(0)!.quantity;
const setShopify = (quantity: number) => sim.stores.require(STORE).catalogue.setQuantity(0, quantity);
const lastSeen = async () =>
  (await database.prisma.itemLink.findFirstOrThrow({ where: { connectionId: channelId, itemId: fx.item.id } }))
    .channelQuantity;
const setCanonical = (quantity: number) =>
  database.prisma.item.update({
    where: { id: fx.item.id },
    data: { quantity, status: quantity > 0 ? "AVAILABLE" : "OUT_OF_STOCK" },
  });
// Each push is a new one (a finished push row is never pushed again), and must reach the platform.
const push = async () => {
  await database.prisma.channelPush.deleteMany({ where: { connectionId: channelId, itemId: fx.item.id } });
  const result = await attemptPush(
    database.prisma,
    connectorFor,
    { tenantId: fx.tenant.id, itemId: fx.item.id, connectionId: channelId, externalId, webhookEventId: fx.event.id },
    { number: 1, delaysMs: [] },
  );
  if (result.kind !== "succeeded") throw new Error(`push ${result.kind}: ${result.error}`);
};

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    createSimulator({
      stores: [
        { provider: "shopify", id: "race", items: [{ sku: "MUG-1", title: "Mug", quantity: 10, unique: false }] },
      ],
    }),
  ]);
  fx = await createTenantFixture(database.prisma, "race");
  await database.prisma.item.update({ where: { id: fx.item.id }, data: { oneOfAKind: false } });
  const baseUrl = connectorConfigFor(sim.stores.require(STORE), sim.url).baseUrl;
  externalId = String(externalIdOf(sim.stores.require(STORE), 0));
  const [channel, source] = await Promise.all([
    database.prisma.connection.create({
      data: { tenantId: fx.tenant.id, provider: "SHOPIFY", direction: "CHANNEL", name: "Shop (channel)", baseUrl },
    }),
    database.prisma.connection.create({
      data: { tenantId: fx.tenant.id, provider: "SHOPIFY", direction: "SOURCE", name: "Shop (source)", baseUrl },
    }),
  ]);
  channelId = channel.id;
  sourceId = source.id;
  await database.prisma.itemLink.createMany({
    data: [
      { tenantId: fx.tenant.id, itemId: fx.item.id, connectionId: channelId, externalId },
      { tenantId: fx.tenant.id, itemId: fx.item.id, connectionId: sourceId, externalId },
    ],
  });
}, 120_000);
afterAll(async () => {
  await database?.close();
  await sim?.close();
});

it("first push: reads what Shopify shows, sets the canonical level, remembers it", async () => {
  await setCanonical(9);
  await push();
  expect(shopifyQuantity()).toBe(9);
  expect(await lastSeen()).toBe(9);
});

it("a Shopify sale that raced the push stays sold", async () => {
  setShopify(8); // a customer bought one at Shopify; its webhook has not reached Stockhook yet
  await setCanonical(7); // meanwhile two sold at the gallery
  await push();
  expect(shopifyQuantity()).toBe(6);
  expect(await lastSeen()).toBe(6);
});

it("once the sale's webhook is applied, Stockhook has seen Shopify's level and subtracts nothing twice", async () => {
  setShopify(5);
  await applyStockChange(database.prisma, fx.tenant.id, {
    connectionId: sourceId,
    externalId,
    quantity: 5,
    sourceAt: new Date(),
    source: "webhook",
  });
  expect(await lastSeen()).toBe(5);
  await push();
  expect(shopifyQuantity()).toBe(5);
});
