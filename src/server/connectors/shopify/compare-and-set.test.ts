import { afterEach, expect, it } from "vitest";
import { type SimFixture, simFixture } from "@test-support/sim-connectors";
import { resolveStaleQuantity } from "./connector";
import { SHOPIFY_API_VERSION } from "./schemas";

/**
 * Shopify's compare-and-set contract (API 2026-04 and later), against the simulator, which
 * enforces it: every quantity quotes changeFromQuantity, a stale one fails with
 * CHANGE_FROM_QUANTITY_STALE, and a channel sale that raced the push is never overwritten.
 */
let fixture: SimFixture<"SHOPIFY">;
afterEach(() => fixture?.close());

const setup = async () => {
  fixture = await simFixture<"SHOPIFY">("shopify", { size: 3 });
  const item = fixture.store.catalogue.item(0)!;
  fixture.store.catalogue.setQuantity(item.index, 10);
  return { externalId: String(fixture.store.externalId(item.index)), index: item.index };
};
const quantityAt = (index: number) => fixture.store.catalogue.item(index)!.quantity;

it("targets the newest stable Admin API version, where the simulator enforces compare-and-set", async () => {
  expect(SHOPIFY_API_VERSION).toBe("2026-10");
  const { externalId } = await setup();
  const call = async (quantity: Record<string, unknown>) => {
    const response = await fetch(
      `${fixture.sim.url}/shopify/${fixture.store.id}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`,
      {
        method: "POST",
        headers: { "x-shopify-access-token": fixture.store.credentials.token, "content-type": "application/json" },
        body: JSON.stringify({
          query:
            "mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code message } } }",
          variables: {
            input: {
              name: "available",
              reason: "correction",
              quantities: [
                {
                  inventoryItemId: `gid://shopify/InventoryItem/${externalId}`,
                  locationId: "gid://shopify/Location/70000001",
                  quantity: 4,
                  ...quantity,
                },
              ],
            },
          },
        }),
      },
    );
    return (
      (await response.json()) as { data: { inventorySetQuantities: { userErrors: { code: string }[] } } }
    ).data.inventorySetQuantities.userErrors.map((e) => e.code);
  };
  expect(await call({})).toEqual(["INVALID"]);
  expect(await call({ changeFromQuantity: 9 })).toEqual(["CHANGE_FROM_QUANTITY_STALE"]);
  expect(await call({ changeFromQuantity: 10 })).toEqual([]);
});

it("quotes the quantity it last saw and sets the target when nothing raced it", async () => {
  const { externalId, index } = await setup();
  await expect(
    fixture.connector.setStock({ externalId, quantity: 7, status: "AVAILABLE", lastSeenQuantity: 10 }),
  ).resolves.toEqual({ quantity: 7 });
  expect(quantityAt(index)).toBe(7);
});

it("never seen on Shopify: reads the current quantity first and sets the target", async () => {
  const { externalId, index } = await setup();
  await expect(fixture.connector.setStock({ externalId, quantity: 3, status: "AVAILABLE" })).resolves.toEqual({
    quantity: 3,
  });
  expect(quantityAt(index)).toBe(3);
});

it("a channel sale that raced the push is kept: the sold units stay off the new level", async () => {
  const { externalId, index } = await setup();
  // Stockhook last saw 10; two units sold at Shopify before its push of 8 arrived.
  fixture.store.catalogue.setQuantity(index, 8);
  await expect(
    fixture.connector.setStock({ externalId, quantity: 8, status: "AVAILABLE", lastSeenQuantity: 10 }),
  ).resolves.toEqual({ quantity: 6 });
  expect(quantityAt(index)).toBe(6);
  expect(fixture.store.stats.byKind["shopify:inventorySetQuantities"]).toBe(2);
});

it("units that appeared only at the channel do not outvote the canonical level", async () => {
  const { externalId, index } = await setup();
  fixture.store.catalogue.setQuantity(index, 25);
  await expect(
    fixture.connector.setStock({ externalId, quantity: 8, status: "AVAILABLE", lastSeenQuantity: 10 }),
  ).resolves.toEqual({ quantity: 8 });
  expect(quantityAt(index)).toBe(8);
});

it("batches resolve each stale row on its own", async () => {
  fixture = await simFixture<"SHOPIFY">("shopify", { size: 3 });
  const ids = [0, 1, 2].map((i) => String(fixture.store.externalId(i)));
  [10, 10, 10].forEach((quantity, i) => fixture.store.catalogue.setQuantity(i, quantity));
  fixture.store.catalogue.setQuantity(1, 9);
  await fixture.connector.setStockBatch(
    ids.map((externalId) => ({ externalId, quantity: 5, status: "AVAILABLE" as const, lastSeenQuantity: 10 })),
  );
  expect([0, 1, 2].map(quantityAt)).toEqual([5, 4, 5]);
});

it("the rule itself", () => {
  expect(resolveStaleQuantity({ target: 8, lastSeen: 10, current: 7 })).toBe(5);
  expect(resolveStaleQuantity({ target: 1, lastSeen: 10, current: 7 })).toBe(0);
  expect(resolveStaleQuantity({ target: 8, lastSeen: 10, current: 12 })).toBe(8);
});
