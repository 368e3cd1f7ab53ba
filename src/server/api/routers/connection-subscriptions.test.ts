import { afterAll, beforeAll, expect, it } from "vitest";
import { callerFor, createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { type Receiver, startReceiver } from "@test-support/webhook-receiver";
import { connectorConfigFor, createSimulator, type Simulator } from "@sim";
import { hooksOf } from "@sim/subscriptions";

/**
 * The wizard's create call subscribes a new WooCommerce source at once and says so; without the
 * scope it names what is missing; deleting the connection removes its hooks at the store. The
 * receiver stands in for the app's webhook route (WooCommerce pings it on activation).
 */
let database: TestDatabase;
let sim: Simulator;
let receiver: Receiver;
let fx: TenantFixture;

beforeAll(async () => {
  receiver = await startReceiver();
  // The app's public address, read once by env(): this file's receiver.
  process.env.APP_URL = receiver.url;
  [database, sim] = await Promise.all([createTestDatabase(), createSimulator({ stores: [{ provider: "woocommerce", id: "wizard", size: 2 }, { provider: "woocommerce", id: "readonly", size: 2, controls: { denyWebhookApi: true } }] })]);
  fx = await createTenantFixture(database.prisma, "wizard");
  // The simulator stands in for a public host: the address rules allow it by name.
  process.env.OUTBOUND_ALLOW_LIST = new URL(sim.url).host;
}, 120_000);
afterAll(async () => {
  delete process.env.OUTBOUND_ALLOW_LIST;
  await database?.close();
  await sim?.close();
  await receiver?.close();
});

const caller = () => callerFor(database.prisma, fx.user.id, fx.tenant.slug);
const create = (store: string) => {
  const config = connectorConfigFor(sim.stores.require(store), sim.url);
  return caller().connection.create({ provider: "WOOCOMMERCE", direction: "SOURCE", name: store, baseUrl: config.baseUrl, credentials: config.credentials as Record<string, string> });
};

it("creating a WooCommerce source subscribes it, lists the subscriptions, and deleting it removes them at the store", async () => {
  const created = await create("woocommerce:wizard");
  expect(created.subscription).toMatchObject({ state: "subscribed" });
  const store = sim.stores.require("woocommerce:wizard");
  expect([...hooksOf(store).values()].map((hook) => [hook.topic, hook.status, hook.address])).toEqual(
    ["product.created", "product.updated", "product.deleted", "product.restored"].map((topic) => [topic, "active", created.webhookUrl]),
  );
  const listed = await caller().connection.subscriptions({ id: created.id });
  expect(listed.managed).toBe(true);
  expect(listed.subscriptions.map((row) => row.state)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE"]);

  const removed = await caller().connection.remove({ id: created.id, confirmName: "woocommerce:wizard" });
  expect(removed).toMatchObject({ deleted: true, webhooksRemoved: 4, webhooksLeft: 0 });
  expect(hooksOf(store).size).toBe(0);
});

it("without the scope, the wizard is told which permission is missing and the failure is audited", async () => {
  const created = await create("woocommerce:readonly");
  expect(created.subscription.state).toBe("failed");
  expect(created.subscription.state === "failed" && created.subscription.reason).toContain("Read/Write permission");
  expect(await database.prisma.auditLog.count({ where: { tenantId: fx.tenant.id, action: "platform_subscription.failed" } })).toBe(4);
  const summary = await caller().overview.summary();
  expect(summary.alerts.some((alert) => alert.connectionId === created.id && alert.severity === "critical" && alert.action.includes("Read/Write permission"))).toBe(true);
});
