import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createConnector } from "@/server/connectors";
import { hasWebhookSubscriptions, type WebhookSubscriptionApi } from "@/server/connectors/webhook-subscriptions";
import { revealSecret, rotateSigningSecret } from "@/server/crypto/secret-store";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { type Receiver, startReceiver } from "@test-support/webhook-receiver";
import { connectorConfigFor, createSimulator, type Simulator } from "@sim";
import { hooksOf } from "@sim/subscriptions";
import { createConnection } from "./connection-setup";
import {
  connectionsNeedingSubscription,
  ensureConnectionSubscriptions,
  markSubscriptionsFailed,
  removeConnectionSubscriptions,
} from "./platform-subscriptions";

/**
 * Subscribe, repair and delete for each platform, through the real connector against its
 * simulator, which delivers to the subscriptions and drops them by the platform's own rules.
 * The receiver stands in for the app's webhook route (it answers 200, as the route answers
 * WooCommerce's activation ping).
 */
let database: TestDatabase;
let sim: Simulator;
let receiver: Receiver;
let appUrl: string;

beforeAll(async () => {
  [database, sim, receiver] = await Promise.all([
    createTestDatabase(),
    createSimulator({
      stores: [
        { provider: "woocommerce", id: "hooks", size: 3 },
        { provider: "bigcommerce", id: "hooks", size: 3 },
        { provider: "shopify", id: "hooks", size: 3 },
      ],
    }),
    startReceiver((_request, response) => response.end("ok")),
  ]);
  appUrl = receiver.url;
  // The simulator and the receiver stand in for public hosts: the address rules allow them by name.
  process.env.OUTBOUND_ALLOW_LIST = [new URL(sim.url).host, new URL(receiver.url).host].join(",");
}, 120_000);
afterAll(async () => {
  delete process.env.OUTBOUND_ALLOW_LIST;
  await database?.close();
  await sim?.close();
  await receiver?.close();
});

const PROVIDER = { woocommerce: "WOOCOMMERCE", bigcommerce: "BIGCOMMERCE", shopify: "SHOPIFY" } as const;

async function connect(provider: "woocommerce" | "bigcommerce" | "shopify") {
  const fx: TenantFixture = await createTenantFixture(database.prisma, `hooks-${provider}`);
  const store = sim.stores.require(`${provider}:hooks`);
  const config = connectorConfigFor(store, sim.url);
  const db = scopeToTenant(database.prisma, fx.tenant.id);
  const { connection } = await createConnection(db, {
    provider: PROVIDER[provider],
    direction: "SOURCE",
    name: `${provider} store`,
    baseUrl: config.baseUrl,
    syncSchedule: "H24",
    credentials: config.credentials as Record<string, unknown>,
    // Shopify signs with the app's client secret, which the tenant pastes.
    signingSecret: provider === "shopify" ? store.credentials.secret : undefined,
  });
  const connector = createConnector(config as never) as object;
  if (!hasWebhookSubscriptions(connector)) throw new Error(`${provider} connector has no webhook API`);
  const target = { tenantId: fx.tenant.id, connectionId: connection.id };
  const address = `${appUrl}/api/webhooks/${fx.tenant.slug}/${connection.id}`;
  return { fx, store, db, connector, api: connector.webhooks as WebhookSubscriptionApi, target, address };
}

const rows = (connectionId: string) =>
  database.prisma.platformSubscription.findMany({ where: { connectionId }, orderBy: { topic: "asc" } });
const audits = (tenantId: string, action: string) => database.prisma.auditLog.findMany({ where: { tenantId, action } });

describe.each(["woocommerce", "bigcommerce", "shopify"] as const)("%s", (provider) => {
  let setup: Awaited<ReturnType<typeof connect>>;
  beforeAll(async () => {
    setup = await connect(provider);
  });

  it("subscribes a new source to every topic the stock rules need, with its secret", async () => {
    expect((await connectionsNeedingSubscription(database.prisma)).map((t) => t.connectionId)).toContain(
      setup.target.connectionId,
    );
    const result = await ensureConnectionSubscriptions(database.prisma, setup.target, {
      connector: setup.connector,
      appUrl,
    });
    expect(result.outcomes.map((o) => o.action)).toEqual(setup.api.topics.map(() => "created"));
    const hooks = [...hooksOf(setup.store).values()];
    expect(hooks.map((hook) => hook.topic).sort()).toEqual([...setup.api.topics].sort());
    expect(hooks.every((hook) => hook.active && hook.address === setup.address)).toBe(true);
    const secret = await setup.db.secret.findFirstOrThrow({
      where: { connectionId: setup.target.connectionId, purpose: "WEBHOOK_SIGNING" },
    });
    const value = await revealSecret(setup.db, secret.id);
    if (provider === "woocommerce") expect(hooks.every((hook) => hook.secret === value)).toBe(true);
    if (provider === "bigcommerce")
      expect(hooks.every((hook) => hook.headers["x-stockhook-token"] === value)).toBe(true);
    if (provider === "woocommerce")
      expect(
        receiver.received.some(
          (r) =>
            r.body === `webhook_id=${hooks[0]!.id}` &&
            r.headers["content-type"] === "application/x-www-form-urlencoded",
        ),
      ).toBe(true);
    const stored = await rows(setup.target.connectionId);
    expect(stored.map((row) => row.state)).toEqual(setup.api.topics.map(() => "ACTIVE"));
    expect(
      stored.every(
        (row) =>
          row.lastCheckedAt &&
          hooks.some(
            (hook) =>
              String(hook.id) === row.externalId || `gid://shopify/WebhookSubscription/${hook.id}` === row.externalId,
          ),
      ),
    ).toBe(true);
    // A second pass finds everything in place and changes nothing at the platform.
    const again = await ensureConnectionSubscriptions(database.prisma, setup.target, {
      connector: setup.connector,
      appUrl,
    });
    expect(again).toMatchObject({ repaired: false });
    expect(again.outcomes.every((o) => o.action === "current")).toBe(true);
  });

  it("a sale at the store reaches the subscription, signed as the platform signs it", async () => {
    const before = receiver.received.length;
    const sku = setup.store.catalogue.item(0)!.sku;
    const { deliveries } = await sim.controls.change(setup.store.key, { kind: "restock", sku, quantity: 2 });
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.ok)).toBe(true);
    const delivered = receiver.received.slice(before);
    expect(delivered.some((r) => r.path === new URL(setup.address).pathname)).toBe(true);
  });

  it("repairs a subscription the platform dropped after failed deliveries, and says deliveries were missed", async () => {
    const sku = setup.store.catalogue.item(1)!.sku;
    setup.store.configure({ failDeliveries: true, deliveryRetryWindowMs: 200 });
    try {
      // WooCommerce disables after more than 5 consecutive failures; the others give up after their (compressed) retry window.
      const attempts = provider === "woocommerce" ? 6 : 1;
      for (let i = 0; i < attempts; i++)
        await sim.controls.change(setup.store.key, { kind: "restock", sku, quantity: 1 });
      await vi.waitFor(
        () =>
          expect([...hooksOf(setup.store).values()].filter((hook) => hook.active).length).toBeLessThan(
            setup.api.topics.length,
          ),
        { timeout: 30_000, interval: 25 },
      );
    } finally {
      setup.store.configure({ failDeliveries: false, deliveryRetryWindowMs: null });
    }
    const dropped = [...hooksOf(setup.store).values()];
    if (provider === "woocommerce") expect(dropped.some((hook) => hook.status === "disabled")).toBe(true);
    if (provider === "shopify") expect(dropped.length).toBeLessThan(setup.api.topics.length);

    const result = await ensureConnectionSubscriptions(database.prisma, setup.target, {
      connector: setup.connector,
      appUrl,
    });
    expect(result.repaired).toBe(true);
    expect(result.outcomes.map((o) => o.action)).toContain(provider === "shopify" ? "recreated" : "reactivated");
    expect(
      [...hooksOf(setup.store).values()].filter((hook) => hook.active && hook.address === setup.address),
    ).toHaveLength(setup.api.topics.length);
    expect(await audits(setup.fx.tenant.id, "platform_subscription.repaired")).not.toHaveLength(0);
    const { deliveries } = await sim.controls.change(setup.store.key, { kind: "restock", sku, quantity: 1 });
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.ok)).toBe(true);
  });

  // The 90-day idle rule is BigCommerce's own.
  if (provider === "bigcommerce")
    it("switches a hook back on that BigCommerce deactivated after 90 idle days", async () => {
      // 89 days of silence leave the hooks alone; one more day and BigCommerce switches them off.
      expect(sim.controls.passIdleDays(setup.store.key, 89).every((hook) => hook.active)).toBe(true);
      expect(sim.controls.passIdleDays(setup.store.key, 1).some((hook) => hook.active)).toBe(false);
      const sku = setup.store.catalogue.item(2)!.sku;
      const { deliveries: missed } = await sim.controls.change(setup.store.key, { kind: "restock", sku, quantity: 1 });
      expect(missed).toEqual([]);

      // The hourly pass (schedule-subscription-renewals) checks every BigCommerce source.
      expect((await connectionsNeedingSubscription(database.prisma)).map((t) => t.connectionId)).toContain(
        setup.target.connectionId,
      );

      const result = await ensureConnectionSubscriptions(database.prisma, setup.target, {
        connector: setup.connector,
        appUrl,
      });
      expect(result.repaired).toBe(true);
      expect(result.outcomes.map((o) => o.action)).toEqual(setup.api.topics.map(() => "reactivated"));
      const { deliveries } = await sim.controls.change(setup.store.key, { kind: "restock", sku, quantity: 1 });
      expect(deliveries.length).toBeGreaterThan(0);
      expect(deliveries.every((d) => d.ok)).toBe(true);
    });

  it("gives the platform the new secret after a rotation", async () => {
    await rotateSigningSecret(setup.db, setup.target.connectionId, {
      graceHours: 1,
      plaintext: provider === "shopify" ? "a-new-app-client-secret" : undefined,
    });
    const result = await ensureConnectionSubscriptions(database.prisma, setup.target, {
      connector: setup.connector,
      appUrl,
    });
    expect(result.outcomes.every((o) => o.action === "updated")).toBe(true);
    const secret = await setup.db.secret.findFirstOrThrow({
      where: { connectionId: setup.target.connectionId, purpose: "WEBHOOK_SIGNING", expiresAt: null, revokedAt: null },
      orderBy: { createdAt: "desc" },
    });
    const value = await revealSecret(setup.db, secret.id);
    const hooks = [...hooksOf(setup.store).values()];
    if (provider === "woocommerce") expect(hooks.every((hook) => hook.secret === value)).toBe(true);
    if (provider === "bigcommerce")
      expect(hooks.every((hook) => hook.headers["x-stockhook-token"] === value)).toBe(true);
    expect((await rows(setup.target.connectionId)).every((row) => row.secretId === secret.id)).toBe(true);
  });

  it("marks the subscriptions FAILED, naming the missing scope, and audits once when the credentials may not manage webhooks", async () => {
    const other = await connect(provider);
    other.store.configure({ denyWebhookApi: true });
    try {
      for (let pass = 0; pass < 2; pass++) {
        const result = await ensureConnectionSubscriptions(database.prisma, other.target, {
          connector: other.connector,
          appUrl,
        });
        expect(
          result.outcomes.every((o) => o.action === "failed" && o.reason?.includes(other.api.requiredScopes)),
        ).toBe(true);
      }
    } finally {
      other.store.configure({ denyWebhookApi: false });
    }
    const stored = await rows(other.target.connectionId);
    expect(stored.map((row) => row.state)).toEqual(other.api.topics.map(() => "FAILED"));
    expect(await audits(other.fx.tenant.id, "platform_subscription.failed")).toHaveLength(other.api.topics.length);
    // Granted later: the next pass makes them and clears the failure.
    const result = await ensureConnectionSubscriptions(database.prisma, other.target, {
      connector: other.connector,
      appUrl,
    });
    expect(result.outcomes.every((o) => o.action === "created")).toBe(true);
    expect(
      (await rows(other.target.connectionId)).every((row) => row.state === "ACTIVE" && row.lastError === null),
    ).toBe(true);
    await removeConnectionSubscriptions(database.prisma, other.target, { connector: other.connector, appUrl });
  });

  it("deleting the connection removes its subscriptions at the platform", async () => {
    expect([...hooksOf(setup.store).values()].some((hook) => hook.address === setup.address)).toBe(true);
    const result = await removeConnectionSubscriptions(database.prisma, setup.target, {
      connector: setup.connector,
      appUrl,
    });
    expect(result.errors).toEqual([]);
    expect(result.removed).toBe(setup.api.topics.length);
    expect([...hooksOf(setup.store).values()].filter((hook) => hook.address === setup.address)).toEqual([]);
    expect(await rows(setup.target.connectionId)).toEqual([]);
  });
});

it("WooCommerce refuses to activate a hook whose URL does not answer its ping with exactly 200", async () => {
  const setup = await connect("woocommerce");
  receiver.respondWith((request, response) => {
    response.statusCode = request.body.startsWith("webhook_id=") ? 204 : 200;
    response.end();
  });
  try {
    const result = await ensureConnectionSubscriptions(database.prisma, setup.target, {
      connector: setup.connector,
      appUrl,
    });
    expect(result.outcomes.every((o) => o.action === "failed")).toBe(true);
    expect([...hooksOf(setup.store).values()].filter((hook) => hook.address === setup.address)).toEqual([]);
  } finally {
    receiver.respondWith((_request, response) => response.end("ok"));
  }
});

it("a platform that stays unreachable through every retry: the error propagates for a retry, then the topics show FAILED and are audited", async () => {
  const setup = await connect("bigcommerce");
  setup.store.configure({ outage: "error", outageStatus: 503 });
  try {
    await expect(
      ensureConnectionSubscriptions(database.prisma, setup.target, { connector: setup.connector, appUrl }),
    ).rejects.toThrow();
    // What the ensure job's onFailure does after its last retry.
    await markSubscriptionsFailed(database.prisma, setup.target, "GET /hooks → 503", { appUrl });
  } finally {
    setup.store.configure({ outage: "none" });
  }
  const stored = await rows(setup.target.connectionId);
  expect(stored.map((row) => row.topic).sort()).toEqual([...setup.api.topics].sort());
  expect(
    stored.every(
      (row) =>
        row.state === "FAILED" && row.lastError?.includes("tries again every hour") && !row.lastError.includes("503"),
    ),
  ).toBe(true);
  expect(await audits(setup.fx.tenant.id, "platform_subscription.failed")).toHaveLength(1);
  // The next pass repairs them.
  const result = await ensureConnectionSubscriptions(database.prisma, setup.target, {
    connector: setup.connector,
    appUrl,
  });
  expect(result.outcomes.every((o) => o.action === "created")).toBe(true);
  expect((await rows(setup.target.connectionId)).every((row) => row.state === "ACTIVE")).toBe(true);
});
