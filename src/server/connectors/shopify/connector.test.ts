import { afterEach, expect, it } from "vitest";
import { scanAll, type SimFixture, simFixture } from "@test-support/sim-connectors";
import { describeUserErrors } from "./connector";

let fixture: SimFixture<"SHOPIFY">;
afterEach(() => fixture?.close());

it("waits out THROTTLED responses when another client drains the same bucket", async () => {
  fixture = await simFixture<"SHOPIFY">("shopify", { size: 500 });
  const { sim, store } = fixture;
  sim.controls.set(store.key, { costBucket: { maximumAvailable: 250, restoreRate: 2_000 } });
  const other = fixture.connectorWith({});
  const [mine, theirs] = await Promise.all([
    scanAll((cursor) => fixture.connector.listStock({ cursor })),
    scanAll((cursor) => other.listStock({ cursor })),
  ]);
  expect(mine).toHaveLength(500);
  expect(theirs).toHaveLength(500);
  expect(store.stats.byKind["shopify:throttled"]).toBeGreaterThan(0);
});

it("discovers the shop's location once and reads one inventory item", async () => {
  fixture = await simFixture<"SHOPIFY">("shopify", { size: 5 });
  const { store, connector } = fixture;
  await connector.setStockBatch([{ externalId: "44000002", quantity: 4, status: "AVAILABLE" }]);
  await connector.setStock({ externalId: "44000003", quantity: 2, status: "AVAILABLE" });
  expect(store.stats.byKind["shopify:locations"]).toBe(1);
  await expect(connector.getItem("44000002")).resolves.toMatchObject({
    externalId: "44000002",
    sku: "ART-0002",
    quantity: 4,
    status: "AVAILABLE",
  });
});

it("passes Shopify's user errors on by code and field, never in Shopify's own words", () => {
  const described = describeUserErrors([
    {
      code: "INVALID_QUANTITY",
      field: ["input", "quantities", "0", "quantity"],
      message: "<script>internal detail from the platform</script>",
    },
    { field: ["webhookSubscription", "callbackUrl"], message: "Address is for an internal host 10.1.2.3" },
  ]);
  expect(described).toBe(
    "INVALID_QUANTITY at input.quantities.0.quantity; USER_ERROR at webhookSubscription.callbackUrl",
  );
  expect(described).not.toMatch(/<script>|internal detail|internal host|10\.1\.2\.3/);
});
