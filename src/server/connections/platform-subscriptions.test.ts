import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createConnector, type BusinessCentralConnector } from "@/server/connectors";
import { rotateSigningSecret } from "@/server/crypto/secret-store";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { businessCentralProvider } from "@/server/inbound/providers/business-central";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { connectorConfigFor, createSimulator, type Simulator } from "@sim";
import { createConnection } from "./connection-setup";
import { connectionsNeedingSubscription, ensureSubscription } from "./platform-subscriptions";

/** Business Central subscriptions through the real connector against the simulated platform, which runs the validation handshake. */
let database: TestDatabase;
let sim: Simulator;
let fx: TenantFixture;
let receiver: Server;
let appUrl: string;
let connector: BusinessCentralConnector;
let connectionId: string;
const HOUR = 3_600_000;

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    createSimulator({ stores: [{ provider: "bc", id: "subs", size: 3 }] }),
  ]);
  sim.controls.set("bc:subs", { validateSubscriptions: true });
  // Stands in for the app's webhook route, answering the handshake with the real provider code,
  // which echoes the token only inside the window ensureSubscription opens.
  receiver = createServer((req, res) => {
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    const delivery = { headers: new Headers(), body: Buffer.alloc(0), query, receivedAt: new Date() };
    void Promise.resolve(
      businessCentralProvider.preflight!(delivery, {
        connection: { id: connectionId, tenantId: fx.tenant.id, provider: "BUSINESS_CENTRAL" },
        prisma: database.prisma,
        now: new Date(),
      }),
    ).then((answer) =>
      answer.kind === "respond"
        ? res.writeHead(answer.status, { "content-type": answer.contentType }).end(answer.body)
        : res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  fx = await createTenantFixture(database.prisma, "bcsubs");
  const config = connectorConfigFor(sim.stores.require("bc:subs"), sim.url);
  connector = createConnector(config as never) as BusinessCentralConnector;
  const { connection } = await createConnection(
    scopeToTenant(database.prisma, fx.tenant.id),
    {
      provider: "BUSINESS_CENTRAL",
      direction: "SOURCE",
      name: "BC",
      baseUrl: config.baseUrl,
      syncSchedule: "H24",
      credentials: config.credentials as Record<string, unknown>,
    },
    config.http.network,
  );
  connectionId = connection.id;
}, 120_000);
afterAll(async () => {
  await database?.close();
  await sim?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

const target = () => ({ tenantId: fx.tenant.id, connectionId });
const row = async () => {
  const found = await database.prisma.platformSubscription.findUniqueOrThrow({
    where: { connectionId_topic: { connectionId, topic: "items" } },
  });
  return { ...found, etag: found.etag!, expiresAt: found.expiresAt! };
};
const due = async (now?: Date) =>
  (await connectionsNeedingSubscription(database.prisma, now)).map((c) => c.connectionId);

it("subscribes a new Business Central source with its signing secret as clientState", async () => {
  expect(await due()).toContain(connectionId);
  const result = await ensureSubscription(database.prisma, target(), { connector, appUrl });
  expect(result.action).toBe("created");
  expect(result.expiresAt.getTime()).toBeGreaterThan(Date.now() + 2 * 24 * HOUR);
  expect(await row()).toMatchObject({
    notificationUrl: `${appUrl}/api/webhooks/${fx.tenant.slug}/${connectionId}`,
    lastError: null,
  });
  expect(await due()).not.toContain(connectionId);
  expect((await ensureSubscription(database.prisma, target(), { connector, appUrl })).action).toBe("current");
});

it("renews a day before the subscription lapses, with the etag the platform last gave", async () => {
  const before = await row();
  const soon = new Date(before.expiresAt.getTime() - 12 * HOUR);
  expect(await due(soon)).toContain(connectionId);
  expect((await ensureSubscription(database.prisma, target(), { connector, appUrl, now: soon })).action).toBe(
    "renewed",
  );
  const after = await row();
  expect(after.externalId).toBe(before.externalId);
  expect(after.etag).not.toBe(before.etag);
});

it("makes a new subscription when the platform no longer has the old one", async () => {
  const before = await row();
  await connector.unsubscribe({ subscriptionId: before.externalId, "@odata.etag": before.etag });
  const soon = new Date(before.expiresAt.getTime() - 12 * HOUR);
  expect((await ensureSubscription(database.prisma, target(), { connector, appUrl, now: soon })).action).toBe(
    "recreated",
  );
  expect((await row()).externalId).not.toBe(before.externalId);
});

it("replaces the subscription after the signing secret is rotated", async () => {
  const before = await row();
  await rotateSigningSecret(scopeToTenant(database.prisma, fx.tenant.id), connectionId, { graceHours: 1 });
  expect(await due()).toContain(connectionId);
  expect((await ensureSubscription(database.prisma, target(), { connector, appUrl })).action).toBe("replaced");
  const after = await row();
  expect(after.secretId).not.toBe(before.secretId);
  await expect(
    connector.renewSubscription({ subscriptionId: before.externalId, "@odata.etag": before.etag }),
  ).rejects.toMatchObject({ status: 404 });
});

it("records why it failed when the platform refuses, and leaves the last good subscription in place", async () => {
  const before = await row();
  sim.controls.set("bc:subs", { outage: "error", outageStatus: 503 });
  try {
    const soon = new Date(before.expiresAt.getTime() - 12 * HOUR);
    await expect(ensureSubscription(database.prisma, target(), { connector, appUrl, now: soon })).rejects.toThrow();
  } finally {
    sim.controls.reset("bc:subs");
  }
  const after = await row();
  expect(after.lastError).toBeTruthy();
  expect(after.externalId).toBe(before.externalId);
});

it("answers Business Central's handshake only while a subscription is being made or renewed", async () => {
  // Outside ensureSubscription, the same URL refuses to echo (the window is closed again).
  const port = (receiver.address() as { port: number }).port;
  const outside = await fetch(`http://127.0.0.1:${port}/?validationToken=probe`);
  expect(outside.status).toBe(400);
  expect(await outside.text()).not.toBe("probe");
  expect(
    (await database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).subscriptionHandshakeUntil,
  ).toBeNull();
});
