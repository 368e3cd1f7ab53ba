import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { type SimProvider } from "@sim";
import { AuthError, UnavailableError } from "./errors";
import { countBy, liveExternalIds, scanAll, type SimFixture, simFixture } from "@test-support/sim-connectors";
import { type ConnectorProvider } from "./types";

/**
 * What every connector must do against its platform's simulator: read the whole catalogue
 * exactly once while it changes, ride out rate limits, and name each kind of failure.
 */
const cases: { provider: SimProvider; window: boolean }[] = [
  { provider: "sam", window: true },
  { provider: "shopify", window: false },
  { provider: "woocommerce", window: true },
  { provider: "bigcommerce", window: true },
  { provider: "bc", window: true },
];

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(cases)("$provider connector contract", ({ provider, window }) => {
  let fixture: SimFixture<ConnectorProvider>;
  afterEach(() => fixture?.close());

  it("reaches every item exactly once while items are added and removed mid-scan", async () => {
    fixture = await simFixture(provider, { size: 640 });
    const { store, connector } = fixture;
    const initial = liveExternalIds(store);
    const yielded = await scanAll(
      (cursor) => connector.listStock({ cursor }),
      (page) => {
        if (page !== 1) return;
        // A removal before the read position and inserts after it: both shift page-numbered lists.
        store.catalogue.setState(3, "deleted");
        for (let i = 0; i < 5; i++) store.add();
      },
    );
    const expected = new Set([...initial, ...liveExternalIds(store)]);
    const counts = countBy(yielded.map((item) => item.externalId));
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(new Set(counts.keys())).toEqual(expected);
    expect(yielded.find((item) => item.sku === "ART-0002")?.quantity).toBe(store.itemBySku("ART-0002")?.quantity);
  });

  it("returns only items changed since a given time", async () => {
    fixture = await simFixture(provider, { size: 120 });
    const { store, connector } = fixture;
    const since = new Date(Date.now() - 1_000);
    for (const sku of ["ART-0005", "ART-0050", "ART-0100"]) store.catalogue.setQuantity(store.itemBySku(sku)!.index, 9);
    const changed = await scanAll((cursor) => connector.listStock({ cursor, updatedSince: since }));
    expect(changed.map((item) => [item.sku, item.quantity])).toEqual([
      ["ART-0005", 9],
      ["ART-0050", 9],
      ["ART-0100", 9],
    ]);
  });

  it("honours a tight rate limit without a failed request", async () => {
    fixture = await simFixture(provider, { size: 450 });
    const { store, connector, sim } = fixture;
    if (window) sim.controls.set(store.key, { rateLimit: { limit: 2, windowMs: 400 } });
    else sim.controls.set(store.key, { costBucket: { maximumAvailable: 150, restoreRate: 1_000 } });
    const items = await scanAll((cursor) => connector.listStock({ cursor }));
    expect(items).toHaveLength(450);
    const limited = (store.stats.byKind.rate_limited ?? 0) + (store.stats.byKind["shopify:throttled"] ?? 0);
    // BigCommerce and Shopify publish their budget, so the connector pauses before being refused.
    if (provider === "bigcommerce" || provider === "shopify") expect(limited).toBe(0);
    else expect(limited).toBeGreaterThan(0);
  });

  it("reports bad credentials as a non-retryable AuthError and bad_credentials", async () => {
    fixture = await simFixture(provider);
    const wrong = {
      apiKey: "wrong-key-123",
      accessToken: "wrong-token-123",
      consumerKey: "ck_wrong",
      consumerSecret: "cs_wrong",
      clientSecret: "wrong-secret-123",
    };
    const connector = fixture.connectorWith({ credentials: wrong });
    const error = await connector.listStock().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).retryable).toBe(false);
    expect(await connector.testConnection()).toMatchObject({ ok: false, reason: "bad_credentials" });
    expect(await fixture.connector.testConnection()).toMatchObject({ ok: true });
  });

  it("reports a store that does not exist as wrong_store_url", async () => {
    fixture = await simFixture(provider);
    const config = fixture.sim.connectorConfig(fixture.store);
    const elsewhere = fixture.connectorWith({
      baseUrl: config.baseUrl.replace("/shop1", "/nope"),
      credentials: { storeHash: "nope", tenantId: "nope", tokenUrl: `${fixture.sim.url}/bc/nope/oauth2/v2.0/token` },
    });
    expect(await elsewhere.testConnection()).toMatchObject({ ok: false, reason: "wrong_store_url" });
  });

  it("maps a 5xx outage to a retryable UnavailableError after retrying, and recovers from a blip", async () => {
    fixture = await simFixture(provider);
    const { sim, store, connector } = fixture;
    sim.controls.set(store.key, { outage: "error", outageStatus: 503 });
    const error = await connector.listStock().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ kind: "server_error", retryable: true, status: 503 });
    expect(error).toBeInstanceOf(UnavailableError);
    expect(store.stats.byKind["outage:error"]).toBeGreaterThanOrEqual(3);
    expect(await connector.testConnection()).toMatchObject({ ok: false, reason: "unavailable" });

    sim.controls.set(store.key, { outage: "none", failNext: 2 });
    await expect(connector.listStock()).resolves.toMatchObject({ items: expect.any(Array) });
  });

  it("maps dropped connections, refused connections and hangs to retryable UnavailableErrors", async () => {
    fixture = await simFixture(provider);
    const { sim, store } = fixture;
    sim.controls.set(store.key, { outage: "refuse" });
    await expect(fixture.connector.listStock()).rejects.toMatchObject({ retryable: true, kind: "network" });
    expect(await fixture.connector.testConnection()).toMatchObject({ ok: false, reason: "unreachable" });

    sim.controls.set(store.key, { outage: "hang" });
    const impatient = fixture.connectorWith({ policy: { timeoutMs: 150, maxRetries: 1 } });
    await expect(impatient.listStock()).rejects.toMatchObject({ retryable: true, kind: "timeout" });

    const port = await closedPort();
    const config = sim.connectorConfig(store);
    const nowhere = fixture.connectorWith({
      baseUrl: config.baseUrl.replace(/:\d+/, `:${port}`),
      credentials: { tokenUrl: `http://127.0.0.1:${port}/token` },
      allowList: [`127.0.0.1:${port}`],
    });
    await expect(nowhere.listStock()).rejects.toMatchObject({ retryable: true, kind: "connection_refused" });
    expect(await nowhere.testConnection()).toMatchObject({ ok: false, reason: "unreachable" });
  });
});
