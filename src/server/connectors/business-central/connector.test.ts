import { createServer, type Server } from "node:http";
import { afterEach, expect, it } from "vitest";
import { RequestRejectedError } from "../errors";
import { type SimFixture, simFixture } from "@test-support/sim-connectors";

let fixture: SimFixture<"BUSINESS_CENTRAL">;
let receiver: Server | undefined;
afterEach(async () => {
  await fixture?.close();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  receiver = undefined;
});

/** A notification endpoint that passes Business Central's validation handshake. */
async function echoingReceiver(): Promise<string> {
  receiver = createServer((req, res) =>
    res.end(new URL(req.url ?? "/", "http://x").searchParams.get("validationToken") ?? ""),
  );
  await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
}

it("fetches one OAuth token and reuses it", async () => {
  fixture = await simFixture<"BUSINESS_CENTRAL">("bc", { size: 450 });
  const { connector, store } = fixture;
  let cursor: string | undefined;
  do cursor = (await connector.listStock({ cursor })).nextCursor ?? undefined;
  while (cursor);
  expect(store.stats.byKind["bc:token"]).toBe(1);
  expect(store.stats.byKind["bc:items.list"]).toBe(3);
});

it("accepts a ready-made access token", async () => {
  fixture = await simFixture<"BUSINESS_CENTRAL">("bc", { size: 3 });
  const { tenantId, environment, companyId } = fixture.sim.connectorConfig(fixture.store).credentials as {
    tenantId: string;
    environment: string;
    companyId: string;
  };
  const { createConnector } = await import("../index");
  const connector = createConnector({
    provider: "BUSINESS_CENTRAL",
    baseUrl: `${fixture.sim.url}/bc`,
    credentials: { tenantId, environment, companyId, accessToken: fixture.store.credentials.token },
    http: fixture.sim.connectorConfig(fixture.store).http,
  });
  await expect(connector.testConnection()).resolves.toMatchObject({ ok: true });
});

it("subscribes through the validation handshake, renews with the etag, and unsubscribes", async () => {
  fixture = await simFixture<"BUSINESS_CENTRAL">("bc", { size: 3 });
  const { connector } = fixture;
  const subscription = await connector.subscribe({
    notificationUrl: await echoingReceiver(),
    clientState: "s3cret-state",
  });
  expect(Date.parse(subscription.expirationDateTime)).toBeGreaterThan(Date.now() + 2 * 24 * 3600_000);
  const renewed = await connector.renewSubscription(subscription);
  expect(renewed["@odata.etag"]).not.toBe(subscription["@odata.etag"]);
  await expect(connector.renewSubscription(subscription)).rejects.toBeInstanceOf(RequestRejectedError);
  await connector.unsubscribe(renewed);
  await expect(connector.renewSubscription(renewed)).rejects.toMatchObject({ status: 404 });
});

it("refuses a subscription whose endpoint does not echo the validation token", async () => {
  fixture = await simFixture<"BUSINESS_CENTRAL">("bc", { size: 3 });
  await expect(
    fixture.connector.subscribe({ notificationUrl: "http://127.0.0.1:9/nothing", clientState: "x" }),
  ).rejects.toMatchObject({ status: 400 });
});
