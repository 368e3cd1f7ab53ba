import { afterEach, expect, it } from "vitest";
import { bigcommerceProvider } from "@/server/inbound/providers/bigcommerce";
import { woocommerceProvider } from "@/server/inbound/providers/woocommerce";
import { addHook, changeAndNotify } from "@sim/subscriptions";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";
import { addVariableProduct } from "@sim/variants";
import { scanAll, type SimFixture, simFixture } from "@test-support/sim-connectors";

/**
 * Stock that lives on variants: WooCommerce variable products (stock on each variation) and
 * BigCommerce products tracked by variant, read, pushed and delivered through the simulators.
 */
let fixture: SimFixture<"WOOCOMMERCE"> | SimFixture<"BIGCOMMERCE"> | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await fixture?.close();
  await receiver?.close();
});

const sizes = [
  { sku: "TEE-S", option: "Small", quantity: 3 },
  { sku: "TEE-M", option: "Medium", quantity: 0 },
  { sku: "TEE-L", option: "Large", quantity: 7 },
];

async function deliveredOnSale(store: SimFixture<"WOOCOMMERCE">["store"], topic: string, sku: string) {
  receiver = await startReceiver();
  addHook(store, {
    topic,
    address: `${receiver.url}/hook`,
    secret: "s3cret",
    headers: { "X-Stockhook-Token": "s3cret" },
  });
  await changeAndNotify(store, { kind: "sale", sku, origin: "http://127.0.0.1" });
  const request = receiver.received.at(-1)!;
  return {
    headers: new Headers(Object.entries(request.headers).map(([k, v]): [string, string] => [k, String(v)])),
    body: Buffer.from(request.body),
    query: new URLSearchParams(),
    receivedAt: new Date(),
  };
}

it("WooCommerce: variations are listed, read and written under their parent, and their webhooks name the variation", async () => {
  const woo = await simFixture<"WOOCOMMERCE">("woocommerce", { size: 2 });
  fixture = woo;
  const product = addVariableProduct(woo.store, { name: "Harbour tee", sku: "TEE", variants: sizes });
  const parentId = woo.store.externalId(product.parentIndex);
  const ids = product.variantIndices.map((index) => `${parentId}:${woo.store.externalId(index)}`);

  const items = await scanAll((cursor) => woo.connector.listStock({ cursor }));
  expect(items.map((item) => item.externalId)).toEqual([...items.slice(0, 2).map((item) => item.externalId), ...ids]);
  expect(items.slice(2).map((item) => [item.sku, item.quantity, item.status])).toEqual([
    ["TEE-S", 3, "AVAILABLE"],
    ["TEE-M", 0, "OUT_OF_STOCK"],
    ["TEE-L", 7, "AVAILABLE"],
  ]);
  expect((await woo.connector.getItem(ids[2]!)).quantity).toBe(7);

  await woo.connector.setStockBatch([
    { externalId: ids[0]!, quantity: 9, status: "AVAILABLE" },
    { externalId: ids[1]!, quantity: 4, status: "AVAILABLE" },
  ]);
  await woo.connector.setStock({ externalId: ids[2]!, quantity: 0, status: "OUT_OF_STOCK" });
  expect(product.variantIndices.map((index) => woo.store.catalogue.item(index)!.quantity)).toEqual([9, 4, 0]);

  const delivery = await deliveredOnSale(woo.store, "product.updated", "TEE-S");
  const parsed = woocommerceProvider.parse(delivery);
  expect(parsed.ok && parsed.delivery.changes[0]).toMatchObject({ externalId: ids[0], quantity: 8 });
  const events = await woo.connector.normalizeWebhook("product.updated", JSON.parse(delivery.body.toString()));
  expect(events).toMatchObject([{ externalId: ids[0], quantity: 8 }]);
});

it("BigCommerce: variant-level inventory is listed, adjusted by variant, and a sale arrives on the variant's order topic", async () => {
  const big = await simFixture<"BIGCOMMERCE">("bigcommerce", { size: 2 });
  fixture = big;
  const product = addVariableProduct(big.store, { name: "Harbour tee", sku: "TEE", variants: sizes });
  const items = await scanAll((cursor) => big.connector.listStock({ cursor }));
  const variants = items.filter((item) => item.sku.startsWith("TEE-"));
  expect(variants.map((item) => [item.sku, item.quantity])).toEqual([
    ["TEE-S", 3],
    ["TEE-M", 0],
    ["TEE-L", 7],
  ]);
  expect(variants.every((item) => /^\d+:\d+$/.test(item.externalId))).toBe(true);
  expect(items.some((item) => item.sku === "TEE")).toBe(false);

  await big.connector.setStockBatch(
    variants.map((item, i) => ({ externalId: item.externalId, quantity: 10 + i, status: "AVAILABLE" as const })),
  );
  expect(product.variantIndices.map((index) => big.store.catalogue.item(index)!.quantity)).toEqual([10, 11, 12]);
  expect((await big.connector.getItem(variants[1]!.externalId)).quantity).toBe(11);

  const delivery = await deliveredOnSale(big.store as never, "store/sku/inventory/order/updated", "TEE-L");
  const parsed = bigcommerceProvider.parse(delivery);
  // An order's change is relative: the level is fetched from the API when it is applied.
  expect(parsed.ok && parsed.delivery.changes[0]).toMatchObject({
    externalId: variants[2]!.externalId,
    quantity: undefined,
    reason: "sale",
  });
});
