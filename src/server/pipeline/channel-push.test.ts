import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnector } from "@/server/connectors";
import { createTenantFixture, type TenantFixture } from "@/server/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/test-database";
import { connectorConfigFor, createSimulator, externalIdOf, type Simulator } from "@/sim";
import { CIRCUIT_FAILURE_THRESHOLD, ChannelUnavailableError, channelTargets, pushToChannel } from "./channel-push";

let database: TestDatabase;
let sim: Simulator;
let fx: TenantFixture;
let channelId: string;
let externalId: string;
const STORE = "woocommerce:push";

// The real WooCommerce connector against the simulator, without slow retries inside one push.
const connectorFor = async () => {
  const config = connectorConfigFor(sim.stores.require(STORE), sim.url);
  return createConnector({ ...config, http: { ...config.http, policy: { maxRetries: 0, timeoutMs: 2_000 } } } as never);
};

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    createSimulator({ stores: [{ provider: "woocommerce", id: "push", items: [{ sku: "ART-1", title: "Artwork", quantity: 1, unique: true }] }] }),
  ]);
  fx = await createTenantFixture(database.prisma, "push");
  const channel = await database.prisma.connection.create({
    data: { tenantId: fx.tenant.id, provider: "WOOCOMMERCE", direction: "CHANNEL", name: "Shop", baseUrl: "unused" },
  });
  channelId = channel.id;
  externalId = String(externalIdOf(sim.stores.require(STORE), 0));
  await database.prisma.itemLink.create({ data: { tenantId: fx.tenant.id, itemId: fx.item.id, connectionId: channelId, externalId } });
});
afterAll(async () => {
  await database?.close();
  await sim?.close();
});

const request = () => ({ tenantId: fx.tenant.id, itemId: fx.item.id, connectionId: channelId, externalId, webhookEventId: fx.event.id });

describe("pushing to a storefront", () => {
  it("finds the item's channels and sends the item's current state", async () => {
    expect(await channelTargets(database.prisma, fx.tenant.id, fx.item.id)).toEqual([{ connectionId: channelId, externalId }]);
    await database.prisma.item.update({ where: { id: fx.item.id }, data: { quantity: 0, status: "SOLD" } });
    const result = await pushToChannel(database.prisma, connectorFor, request());
    expect(result).toMatchObject({ quantity: 0, status: "SOLD" });
    expect(sim.controls.item(STORE, "ART-1")?.quantity).toBe(0);
    expect(await database.prisma.channelPush.findUniqueOrThrow({ where: { id: result.pushId } })).toMatchObject({ state: "SUCCEEDED", attempts: 1 });
  });

  it("opens the circuit after repeated failures and stops calling the platform until it closes", async () => {
    sim.controls.set(STORE, { outage: "error", outageStatus: 503 });
    for (let i = 0; i < CIRCUIT_FAILURE_THRESHOLD; i += 1) {
      await expect(pushToChannel(database.prisma, connectorFor, request())).rejects.toThrow();
    }
    const connection = await database.prisma.connection.findUniqueOrThrow({ where: { id: channelId } });
    expect(connection.consecutiveFailures).toBe(CIRCUIT_FAILURE_THRESHOLD);
    expect(connection.circuitOpenUntil).not.toBeNull();

    sim.controls.resetRequests(STORE);
    await expect(pushToChannel(database.prisma, connectorFor, request())).rejects.toBeInstanceOf(ChannelUnavailableError);
    expect(sim.controls.requests(STORE).total).toBe(0);

    sim.controls.reset(STORE);
    const afterWindow = new Date(connection.circuitOpenUntil!.getTime() + 1);
    await pushToChannel(database.prisma, connectorFor, request(), afterWindow);
    expect(await database.prisma.connection.findUniqueOrThrow({ where: { id: channelId } })).toMatchObject({ consecutiveFailures: 0, circuitOpenUntil: null });
  });
});
