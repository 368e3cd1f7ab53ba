import { afterAll, expect } from "vitest";
import { test } from "@test-support/db-fixture";
import { callerFor } from "@test-support/fixtures";
import { type Receiver, startReceiver } from "@test-support/webhook-receiver";
import { connectorConfigFor, createSimulator, type Simulator } from "@sim";
import { hooksOf } from "@sim/subscriptions";

/**
 * The wizard's create call subscribes a new WooCommerce source at once and says so; without the
 * scope it names what is missing; deleting the connection removes its hooks at the store. The
 * receiver stands in for the app's webhook route (WooCommerce pings it on activation).
 */
let sim: Simulator;
let receiver: Receiver;

/** The tRPC API as tenant a's owner; `create` adds a WooCommerce source for one of the simulator's stores. */
const it = test
  .extend("ownerApi", ({ prisma, tenantA }) => callerFor(prisma, tenantA.user.id, tenantA.tenant.slug))
  .extend("create", ({ ownerApi }) => (store: string) => {
    const config = connectorConfigFor(sim.stores.require(store), sim.url);
    return ownerApi.connection.create({
      provider: "WOOCOMMERCE",
      direction: "SOURCE",
      name: store,
      baseUrl: config.baseUrl,
      credentials: config.credentials as Record<string, string>,
    });
  });

it.beforeAll(async () => {
  receiver = await startReceiver();
  // The app's public address, read once by env(): this file's receiver.
  process.env.APP_URL = receiver.url;
  sim = await createSimulator({
    stores: [
      { provider: "woocommerce", id: "wizard", size: 2 },
      { provider: "woocommerce", id: "readonly", size: 2, controls: { denyWebhookApi: true } },
    ],
  });
  // The simulator stands in for a public host: the address rules allow it by name.
  process.env.OUTBOUND_ALLOW_LIST = new URL(sim.url).host;
}, 120_000);
afterAll(async () => {
  delete process.env.OUTBOUND_ALLOW_LIST;
  await sim?.close();
  await receiver?.close();
});

it("creating a WooCommerce source subscribes it, lists the subscriptions, and deleting it removes them at the store", async ({
  ownerApi,
  create,
}) => {
  const created = await create("woocommerce:wizard");
  expect(created.subscription).toMatchObject({ state: "subscribed" });
  const store = sim.stores.require("woocommerce:wizard");
  expect([...hooksOf(store).values()].map((hook) => [hook.topic, hook.status, hook.address])).toEqual(
    ["product.created", "product.updated", "product.deleted", "product.restored"].map((topic) => [
      topic,
      "active",
      created.webhookUrl,
    ]),
  );
  const listed = await ownerApi.connection.subscriptions({ id: created.id });
  expect(listed.managed).toBe(true);
  expect(listed.subscriptions.map((row) => row.state)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE"]);

  const removed = await ownerApi.connection.remove({ id: created.id, confirmName: "woocommerce:wizard" });
  expect(removed).toMatchObject({ deleted: true, webhooksRemoved: 4, webhooksLeft: 0 });
  expect(hooksOf(store).size).toBe(0);
});

it("without the scope, the wizard is told which permission is missing and the failure is audited", async ({
  prisma,
  tenantA: fx,
  ownerApi,
  create,
}) => {
  const created = await create("woocommerce:readonly");
  expect(created.subscription.state).toBe("failed");
  expect(created.subscription.state === "failed" && created.subscription.reason).toContain("Read/Write permission");
  expect(
    await prisma.auditLog.count({ where: { tenantId: fx.tenant.id, action: "platform_subscription.failed" } }),
  ).toBe(4);
  const summary = await ownerApi.overview.summary();
  expect(
    summary.alerts.some(
      (alert) =>
        alert.connectionId === created.id &&
        alert.severity === "critical" &&
        alert.action.includes("Read/Write permission"),
    ),
  ).toBe(true);
});
