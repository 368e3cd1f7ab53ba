import { afterEach, describe, expect, it } from "vitest";
import { type SimProvider } from "@sim";
import { type SimFixture, simFixture } from "@test-support/sim-connectors";
import { type ChannelConnector, type ConnectorProvider, type StockUpdate } from "./types";

/** Channel writes: split into the platform's largest allowed batch, and land in the store. */
const cases: { provider: SimProvider; size: number; limit: number; kind: string }[] = [
  { provider: "woocommerce", size: 250, limit: 100, kind: "woocommerce:products.batch" },
  { provider: "shopify", size: 600, limit: 250, kind: "shopify:inventorySetQuantities" },
  { provider: "bigcommerce", size: 2_100, limit: 2_000, kind: "bigcommerce:inventory.absolute" },
];

describe.each(cases)("$provider channel", ({ provider, size, limit, kind }) => {
  let fixture: SimFixture<ConnectorProvider>;
  afterEach(() => fixture?.close());

  it(`writes ${size} levels in batches of at most ${limit}`, async () => {
    fixture = await simFixture(provider, { size });
    const { sim, store } = fixture;
    const channel = fixture.connector as ChannelConnector;
    const updates: StockUpdate[] = sim.controls
      .items(store.key, { limit: size })
      .map((item, i) => ({ externalId: item.externalId, quantity: i % 5, status: "AVAILABLE" }));
    const result = await channel.setStockBatch(updates);
    expect(result).toMatchObject({ calls: Math.ceil(size / limit), updated: size });
    expect(result.rejected ?? []).toEqual([]);
    expect(store.stats.byKind[kind]).toBe(Math.ceil(size / limit));
    expect(store.stats.writes).toBe(size);
    expect(sim.controls.item(store.key, "ART-0004")?.quantity).toBe(3);
  });

  it("shows a sold piece as zero and sets a single level", async () => {
    fixture = await simFixture(provider, { size: 10 });
    const { sim, store } = fixture;
    const channel = fixture.connector as ChannelConnector;
    const [first, second] = sim.controls.items(store.key, { limit: 2 });
    await channel.setStock({ externalId: first!.externalId, quantity: 1, status: "SOLD" });
    await channel.setStock({ externalId: second!.externalId, quantity: 12, status: "AVAILABLE" });
    expect(sim.controls.item(store.key, first!.sku)?.quantity).toBe(0);
    expect(sim.controls.item(store.key, second!.sku)?.quantity).toBe(12);
    const drift = await channel.listStock();
    expect(drift.items.find((item) => item.externalId === second!.externalId)?.quantity).toBe(12);
  });
});

describe("the simulators enforce the documented batch limits", () => {
  let fixture: SimFixture<ConnectorProvider>;
  afterEach(() => fixture?.close());

  it("WooCommerce refuses more than 100 updates in one batch", async () => {
    fixture = await simFixture("woocommerce", { size: 101 });
    const { sim, store } = fixture;
    const auth = Buffer.from(`${store.credentials.key}:${store.credentials.secret}`).toString("base64");
    const update = Array.from({ length: 101 }, (_, i) => ({ id: 501 + i, stock_quantity: 1 }));
    const response = await fetch(`${sim.url}/woocommerce/${store.id}/wp-json/wc/v3/products/batch`, {
      method: "POST",
      headers: { authorization: `Basic ${auth}`, "content-type": "application/json" },
      body: JSON.stringify({ update }),
    });
    expect(response.status).toBe(413);
  });

  it("BigCommerce refuses more than 2000 adjustments in one request", async () => {
    fixture = await simFixture("bigcommerce", { size: 2_001 });
    const { sim, store } = fixture;
    const items = Array.from({ length: 2_001 }, (_, i) => ({ location_id: 1, product_id: 101 + i, quantity: 1 }));
    const response = await fetch(`${sim.url}/bigcommerce/stores/${store.id}/v3/inventory/adjustments/absolute`, {
      method: "PUT",
      headers: { "x-auth-token": store.credentials.token, "content-type": "application/json" },
      body: JSON.stringify({ reason: "test", items }),
    });
    expect(response.status).toBe(422);
  });

  it("Shopify refuses more than 250 quantities in one mutation", async () => {
    fixture = await simFixture("shopify", { size: 251 });
    const { sim, store } = fixture;
    const quantities = Array.from({ length: 251 }, (_, i) => ({
      inventoryItemId: `gid://shopify/InventoryItem/${44_000_001 + i}`,
      locationId: "gid://shopify/Location/70000001",
      quantity: 1,
    }));
    const response = await fetch(`${sim.url}/shopify/${store.id}/admin/api/2025-01/graphql.json`, {
      method: "POST",
      headers: { "x-shopify-access-token": store.credentials.token, "content-type": "application/json" },
      body: JSON.stringify({
        query:
          "mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { message } } }",
        variables: { input: { name: "available", reason: "correction", ignoreCompareQuantity: true, quantities } },
      }),
    });
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      "MAX_INPUT_SIZE_EXCEEDED",
    );
  });
});
