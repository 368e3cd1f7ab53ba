import { createHmac, randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeyring } from "@/server/crypto/secret-box";
import { storeSecret } from "@/server/crypto/secret-store";
import { createEndpoint } from "@/server/outbound/endpoints";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { connectorConfigFor, createSimulator, externalIdOf, type Simulator } from "@sim";
import { eventually, startStack, type Stack } from "./harness";

/**
 * Outbound webhooks through the real Inngest server: a signed SAM sale becomes signed
 * deliveries to a tenant's receiver on 127.0.0.1, a 500 is retried, a 410 switches the endpoint off.
 */
let stack: Stack;
let receiver: Receiver;
let sim: Simulator;
const ITEMS = [{ sku: "ART-1", title: "Artwork 1", quantity: 1, unique: true }];

beforeAll(async () => {
  sim = await createSimulator({
    stores: [
      { provider: "sam", id: "out", items: ITEMS },
      { provider: "woocommerce", id: "out", items: ITEMS },
    ],
  });
  receiver = await startReceiver();
  stack = await startStack({ allow: [sim.url, receiver.url] });
}, 240_000);
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
  await sim?.close();
});

async function galleryWithSoldPainting() {
  const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
  const tenant = await stack.prisma.tenant.create({
    data: { slug: `out-${randomUUID().slice(0, 8)}`, name: "Outbound Gallery", kind: "GALLERY" },
  });
  const db = scopeToTenant(stack.prisma, tenant.id);
  const connection = await db.connection.create({
    data: {
      tenantId: tenant.id,
      provider: "SAM",
      direction: "SOURCE",
      name: "SAM",
      baseUrl: "http://127.0.0.1:9",
      syncSchedule: "MANUAL",
    },
  });
  await storeSecret(
    db,
    { connectionId: connection.id, purpose: "WEBHOOK_SIGNING", label: "signing", plaintext: "out-secret" },
    keyring,
  );
  const item = await db.item.create({
    data: { tenantId: tenant.id, sku: "ART-0042", title: "Tide Study", quantity: 1, oneOfAKind: true },
  });
  await db.itemLink.create({
    data: { tenantId: tenant.id, itemId: item.id, connectionId: connection.id, externalId: "4242" },
  });
  const sell = (stock = 0) => {
    const body = JSON.stringify({
      event_id: `evt-${randomUUID()}`,
      type: "stock.changed",
      occurred_at: new Date().toISOString(),
      data: {
        sam_id: 4242,
        sku: "ART-0042",
        stock,
        status: stock > 0 ? "available" : "sold",
        reason: stock > 0 ? "return" : "sale",
      },
    });
    return fetch(`${stack.appUrl}/api/webhooks/${tenant.slug}/${connection.id}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-sam-signature": createHmac("sha256", "out-secret").update(body).digest("hex"),
      },
      body,
    });
  };
  return { tenant, db, keyring, item, sell };
}

describe("outbound webhooks through the real Inngest server", () => {
  it("a real sale produces signed inventory.updated and item.sold deliveries; a 500 is retried until 2xx", async () => {
    const { tenant, db, keyring, item, sell } = await galleryWithSoldPainting();
    const { endpoint, plaintext } = await createEndpoint(
      db,
      {
        url: `${receiver.url}/stock`,
        description: "ERP",
        eventTypes: ["inventory.updated", "item.sold"],
        enabled: true,
      },
      keyring,
    );
    let inventoryAnswers = 0;
    receiver.respondWith((request, response) => {
      const type = (JSON.parse(request.body) as { type: string }).type;
      if (type === "inventory.updated" && (inventoryAnswers += 1) === 1)
        return void response.writeHead(500).end("not yet");
      response.end("thanks");
    });

    const started = performance.now();
    expect((await sell()).status).toBe(200);
    const sold = await eventually("the item.sold delivery", async () =>
      receiver.received.find((r) => r.path === "/stock" && r.body.includes('"item.sold"')),
    );
    const soldAfterMs = performance.now() - started;
    const delivered = await eventually("both deliveries to succeed", async () => {
      const rows = await db.outboundDelivery.findMany({ where: { endpointId: endpoint.id }, include: { event: true } });
      return rows.length === 2 && rows.every((row) => row.state === "SUCCEEDED") ? rows : undefined;
    });

    const verifier = new Webhook(plaintext);
    const soldPayload = verifier.verify(sold.body, sold.headers as Record<string, string>) as {
      id: string;
      type: string;
      tenant: { slug: string };
      data: { item: { sku: string }; before: unknown; after: unknown };
    };
    expect(soldPayload).toMatchObject({
      type: "item.sold",
      tenant: { slug: tenant.slug },
      data: {
        item: { id: item.id, sku: "ART-0042" },
        before: { quantity: 1, status: "AVAILABLE" },
        after: { quantity: 0, status: "SOLD" },
      },
    });
    expect(sold.headers["webhook-id"]).toBe(soldPayload.id);

    const updates = receiver.received.filter((r) => r.path === "/stock" && r.body.includes('"inventory.updated"'));
    expect(updates).toHaveLength(2);
    for (const update of updates)
      expect(() => verifier.verify(update.body, update.headers as Record<string, string>)).not.toThrow();
    // A retry is the same message: same webhook-id, so receivers can deduplicate.
    expect(updates[0]!.headers["webhook-id"]).toBe(updates[1]!.headers["webhook-id"]);
    const inventory = delivered.find((row) => row.event.type === "inventory.updated")!;
    expect(inventory).toMatchObject({ attempts: 2, responseStatus: 200, responseBody: "thanks" });
    expect(
      await db.outboundAttempt.findMany({
        where: { deliveryId: inventory.id },
        orderBy: { attempt: "asc" },
        select: { attempt: true, responseStatus: true },
      }),
    ).toEqual([
      { attempt: 1, responseStatus: 500 },
      { attempt: 2, responseStatus: 200 },
    ]);
    console.log(`[outbound] signed SAM sale → item.sold delivered to the receiver in ${Math.round(soldAfterMs)} ms`);
  });

  it("a 410 Gone switches the endpoint off (audited) and later events are not sent to it", async () => {
    const { db, keyring, sell } = await galleryWithSoldPainting();
    const { endpoint } = await createEndpoint(
      db,
      { url: `${receiver.url}/gone`, description: "", eventTypes: ["inventory.updated"], enabled: true },
      keyring,
    );
    // A second endpoint on the same events: its receipt of the later event is the signal that the
    // later event has been fanned out (to every endpoint still enabled).
    const { endpoint: control } = await createEndpoint(
      db,
      { url: `${receiver.url}/control`, description: "", eventTypes: ["inventory.updated"], enabled: true },
      keyring,
    );
    receiver.respondWith((request, response) => response.writeHead(request.path === "/gone" ? 410 : 200).end());
    expect((await sell()).status).toBe(200);
    await eventually("the endpoint to be switched off", async () => {
      const row = await db.webhookEndpoint.findFirstOrThrow({ where: { id: endpoint.id } });
      return row.enabled ? undefined : row;
    });
    expect(await db.auditLog.count({ where: { action: "webhook_endpoint.disabled_gone" } })).toBe(1);
    expect(receiver.received.filter((r) => r.path === "/gone")).toHaveLength(1);

    // A later event (the painting comes back into stock) reaches the control endpoint, not the switched-off one.
    expect((await sell(1)).status).toBe(200);
    await eventually("the later event at the control endpoint", async () =>
      receiver.received.filter((r) => r.path === "/control").length >= 2 ? true : undefined,
    );
    expect(await db.outboundDelivery.count({ where: { endpointId: control.id } })).toBe(2);
    expect(await db.outboundDelivery.count({ where: { endpointId: endpoint.id } })).toBe(1);
    expect(receiver.received.filter((r) => r.path === "/gone")).toHaveLength(1);
  });

  it("a storefront push sends product.synced; reconcile runs send sync.completed and, when the source is down, sync.failed", async () => {
    const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
    const tenant = await stack.prisma.tenant.create({
      data: { slug: `sync-${randomUUID().slice(0, 8)}`, name: "Sync Gallery", kind: "GALLERY" },
    });
    const db = scopeToTenant(stack.prisma, tenant.id);
    const samStore = sim.stores.require("sam:out");
    const wooStore = sim.stores.require("woocommerce:out");
    const samConfig = connectorConfigFor(samStore, sim.url);
    const wooConfig = connectorConfigFor(wooStore, sim.url);
    const sam = await db.connection.create({
      data: {
        tenantId: tenant.id,
        provider: "SAM",
        direction: "SOURCE",
        name: "SAM",
        baseUrl: samConfig.baseUrl,
        syncSchedule: "MANUAL",
      },
    });
    const shop = await db.connection.create({
      data: {
        tenantId: tenant.id,
        provider: "WOOCOMMERCE",
        direction: "CHANNEL",
        name: "Shop",
        baseUrl: wooConfig.baseUrl,
        syncSchedule: "MANUAL",
      },
    });
    await storeSecret(
      db,
      { connectionId: sam.id, purpose: "WEBHOOK_SIGNING", label: "signing", plaintext: "sync-secret" },
      keyring,
    );
    await storeSecret(
      db,
      {
        connectionId: sam.id,
        purpose: "API_CREDENTIAL",
        label: "api",
        plaintext: JSON.stringify(samConfig.credentials),
      },
      keyring,
    );
    await storeSecret(
      db,
      {
        connectionId: shop.id,
        purpose: "API_CREDENTIAL",
        label: "api",
        plaintext: JSON.stringify(wooConfig.credentials),
      },
      keyring,
    );
    const item = await db.item.create({
      data: { tenantId: tenant.id, sku: "ART-1", title: "Artwork 1", quantity: 1, oneOfAKind: true },
    });
    await db.itemLink.createMany({
      data: [
        { tenantId: tenant.id, itemId: item.id, connectionId: sam.id, externalId: String(externalIdOf(samStore, 0)) },
        { tenantId: tenant.id, itemId: item.id, connectionId: shop.id, externalId: String(externalIdOf(wooStore, 0)) },
      ],
    });
    const { plaintext } = await createEndpoint(
      db,
      {
        url: `${receiver.url}/sync`,
        description: "",
        eventTypes: ["product.synced", "sync.completed", "sync.failed"],
        enabled: true,
      },
      keyring,
    );
    receiver.respondWith((_request, response) => response.end("ok"));
    const verifier = new Webhook(plaintext);
    const payloadsOf = (type: string) =>
      receiver.received
        .filter((r) => r.path === "/sync")
        .map(
          (r) =>
            verifier.verify(r.body, r.headers as Record<string, string>) as {
              type: string;
              data: Record<string, unknown>;
            },
        )
        .filter((p) => p.type === type);

    const body = JSON.stringify({
      event_id: `evt-${randomUUID()}`,
      type: "stock.changed",
      occurred_at: new Date().toISOString(),
      data: { sam_id: externalIdOf(samStore, 0), stock: 0, status: "sold", reason: "sale" },
    });
    const sale = await fetch(`${stack.appUrl}/api/webhooks/${tenant.slug}/${sam.id}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-sam-signature": createHmac("sha256", "sync-secret").update(body).digest("hex"),
      },
      body,
    });
    expect(sale.status).toBe(200);
    const [synced] = await eventually("product.synced", async () =>
      payloadsOf("product.synced").length ? payloadsOf("product.synced") : undefined,
    );
    expect(synced!.data).toMatchObject({
      item: { id: item.id, sku: "ART-1" },
      channel: { connectionId: shop.id, name: "Shop", externalId: String(externalIdOf(wooStore, 0)) },
      quantity: 0,
      status: "SOLD",
    });

    await stack.sendEvent({
      name: "stock/reconcile.requested",
      data: { tenantId: tenant.id, connectionId: sam.id, mode: "full", trigger: "MANUAL" },
    });
    const [completed] = await eventually(
      "sync.completed",
      async () => (payloadsOf("sync.completed").length ? payloadsOf("sync.completed") : undefined),
      60_000,
    );
    expect(completed!.data).toMatchObject({
      connection: { id: sam.id, name: "SAM", direction: "SOURCE" },
      trigger: "MANUAL",
      mode: "FULL",
      itemsScanned: 1,
      errorCount: 0,
    });

    sim.controls.set("sam:out", { outage: "error", outageStatus: 503 });
    try {
      await stack.sendEvent({
        name: "stock/reconcile.requested",
        data: { tenantId: tenant.id, connectionId: sam.id, mode: "full", trigger: "MANUAL" },
      });
      const [failed] = await eventually(
        "sync.failed",
        async () => (payloadsOf("sync.failed").length ? payloadsOf("sync.failed") : undefined),
        90_000,
      );
      expect(failed!.data).toMatchObject({
        kind: "reconcile",
        connection: { id: sam.id },
        reason: expect.stringMatching(/503/),
      });
    } finally {
      sim.controls.reset("sam:out");
    }
  });
});
