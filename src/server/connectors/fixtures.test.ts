import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as bigcommerce from "./bigcommerce/schemas";
import * as bc from "./business-central/schemas";
import { createConnector } from "./index";
import { samPageSchema, samProductToItem, samWebhookSchema, samWebhookToEvents } from "./sam/mapping";
import * as shopify from "./shopify/schemas";
import * as woo from "./woocommerce/schemas";

/**
 * Payloads written after each platform's public documentation examples: the connectors'
 * schemas must accept what the real platforms send, not only what our simulators send.
 */
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../test-support/platform-fixtures/${name}`, import.meta.url), "utf8"));
const unreachable = { http: { deps: { fetch: () => Promise.reject(new Error("no network in fixture tests")) } } };

describe("contract fixtures", () => {
  it("SAM product page and stock webhook", () => {
    const page = samPageSchema.parse(fixture("sam-products-page.json"));
    expect(page.data.map(samProductToItem).map((item) => [item.externalId, item.status])).toEqual([
      ["48213", "AVAILABLE"],
      ["48214", "OUT_OF_STOCK"],
      ["48215", "SOLD"],
    ]);
    expect(samWebhookToEvents(samWebhookSchema.parse(fixture("sam-stock-changed.json")))).toMatchObject([
      { externalId: "48215", quantity: 0, status: "SOLD", reason: "sale", eventId: "evt_01HQ3Z8Y5K2M4N6P8R0T2V4X6Z" },
    ]);
  });

  it("Shopify GraphQL responses, throttling and inventory webhook", async () => {
    const page = shopify.graphqlEnvelopeSchema.parse(fixture("shopify-product-variants.json"));
    expect(shopify.variantsPageSchema.parse(page.data).productVariants.nodes[0]?.inventoryItem.id).toBe(
      "gid://shopify/InventoryItem/30322695",
    );
    expect(page.extensions?.cost?.throttleStatus.restoreRate).toBe(100);
    const mutation = shopify.graphqlEnvelopeSchema.parse(fixture("shopify-inventory-set-quantities.json"));
    expect(shopify.setQuantitiesSchema.parse(mutation.data).inventorySetQuantities.userErrors).toEqual([]);
    expect(shopify.graphqlEnvelopeSchema.parse(fixture("shopify-throttled.json")).errors?.[0]?.extensions?.code).toBe(
      "THROTTLED",
    );
    const connector = createConnector({
      provider: "SHOPIFY",
      baseUrl: "https://x.myshopify.com",
      credentials: { accessToken: "shpat_fixture" },
      ...unreachable,
    });
    const events = await connector.normalizeWebhook(
      "inventory_levels/update",
      fixture("shopify-inventory-levels-update.json"),
      { eventId: "e1" },
    );
    expect(events).toMatchObject([
      {
        externalId: "271878346596884015",
        quantity: 6,
        locationId: "24826418",
        eventId: "e1",
        sourceAt: new Date("2025-01-10T12:01:27Z"),
      },
    ]);
  });

  it("WooCommerce product (also the product.updated webhook body) and batch response", async () => {
    const product = woo.wooProductSchema.parse(fixture("woocommerce-product.json"));
    expect(product.date_modified_gmt?.toISOString()).toBe("2017-03-23T20:01:14.000Z");
    const batch = woo.wooBatchResponseSchema.parse(fixture("woocommerce-batch-response.json"));
    expect(batch.update.map((row) => row.error?.code ?? "ok")).toEqual(["ok", "woocommerce_rest_product_invalid_id"]);
    const connector = createConnector({
      provider: "WOOCOMMERCE",
      baseUrl: "https://example.com",
      credentials: { consumerKey: "ck_x", consumerSecret: "cs_x" },
      ...unreachable,
    });
    expect(await connector.normalizeWebhook("product.updated", fixture("woocommerce-product.json"))).toMatchObject([
      { externalId: "794", status: "AVAILABLE" },
    ]);
  });

  it("BigCommerce products page and inventory webhook", async () => {
    const page = bigcommerce.productPageSchema.parse(fixture("bigcommerce-products-page.json"));
    expect(page.meta.pagination.total_pages).toBe(18);
    const connector = createConnector({
      provider: "BIGCOMMERCE",
      baseUrl: "https://api.bigcommerce.com",
      credentials: { storeHash: "abc123", accessToken: "token-fixture" },
      ...unreachable,
    });
    expect(
      await connector.normalizeWebhook(
        "store/product/inventory/updated",
        fixture("bigcommerce-inventory-updated.json"),
      ),
    ).toMatchObject([
      {
        externalId: "113",
        quantity: 5,
        eventId: "dc8bbf7b1ad2fd1a6e3a8d4ea4ef8a44ca4b6d8f",
        sourceAt: new Date(1561482670_000),
      },
    ]);
  });

  it("Business Central items page, subscription and notification", () => {
    const items = bc.bcItemListSchema.parse(fixture("business-central-items.json"));
    expect(items.value[0]).toMatchObject({ number: "1896-S", inventory: 4 });
    expect(items["@odata.nextLink"]).toContain("$skiptoken=");
    expect(bc.bcSubscriptionSchema.parse(fixture("business-central-subscription.json")).clientState).toBe(
      "s3cret-state",
    );
    const notification = bc.bcNotificationSchema.parse(fixture("business-central-notification.json"));
    expect(notification.value.map((entry) => bc.itemIdFromResource(entry.resource))).toEqual([
      "bec20d93-1d35-4a86-ad55-a7ea4f5ebc1a",
      undefined,
    ]);
  });

  it("every fixture file is exercised", () => {
    const names = [
      "sam-products-page",
      "sam-stock-changed",
      "shopify-product-variants",
      "shopify-inventory-set-quantities",
      "shopify-throttled",
      "shopify-inventory-levels-update",
      "woocommerce-product",
      "woocommerce-batch-response",
      "bigcommerce-products-page",
      "bigcommerce-inventory-updated",
      "business-central-items",
      "business-central-subscription",
      "business-central-notification",
    ];
    expect(
      z
        .array(z.string())
        .parse(names.map((name) => `${name}.json`))
        .every((file) => fixture(file) !== undefined),
    ).toBe(true);
  });
});
