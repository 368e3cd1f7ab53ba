import { createHmac, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeyring } from "@/server/crypto/secret-box";
import { storeSecret } from "@/server/crypto/secret-store";
import { createTestDelivery, type DeliveryRef } from "@/server/outbound/delivery";
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

/** A tenant with one enabled endpoint per receiver path. */
async function tenantWithEndpoints(paths: string[]) {
  const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
  const tenant = await stack.prisma.tenant.create({
    data: { slug: `flow-${randomUUID().slice(0, 8)}`, name: "Flow Gallery", kind: "GALLERY" },
  });
  const db = scopeToTenant(stack.prisma, tenant.id);
  const endpoints = [];
  for (const path of paths) {
    const { endpoint } = await createEndpoint(
      db,
      { url: `${receiver.url}${path}`, description: path, eventTypes: ["inventory.updated"], enabled: true },
      keyring,
    );
    endpoints.push(endpoint);
  }
  return { tenant, db, endpoints };
}

/** Stored test deliveries to one endpoint, as **Send test event** makes them (not yet requested). */
async function testDeliveries(
  db: ReturnType<typeof scopeToTenant>,
  tenantSlug: string,
  endpointId: string,
  count: number,
): Promise<DeliveryRef[]> {
  const deliveries: DeliveryRef[] = [];
  for (let index = 0; index < count; index += 1)
    deliveries.push(
      await createTestDelivery(db, endpointId, tenantSlug, `evt_test_${randomUUID().replaceAll("-", "")}`),
    );
  return deliveries;
}

/** The events **Send test event** sends to Inngest, all at once. */
async function requestDeliveries(deliveries: DeliveryRef[]) {
  await Promise.all(
    deliveries.map((delivery) =>
      stack.sendEvent({
        name: "outbound/delivery.requested",
        data: { ...delivery, manual: true },
        id: delivery.deliveryId,
      }),
    ),
  );
}

async function allSucceeded(db: ReturnType<typeof scopeToTenant>, endpointId: string, count: number) {
  return eventually(`${count} deliveries to succeed`, async () => {
    const rows = await db.outboundDelivery.findMany({
      where: { endpointId },
      select: { state: true, attempts: true },
    });
    return rows.length === count && rows.every((row) => row.state === "SUCCEEDED") ? rows : undefined;
  });
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

  it("an endpoint gets at most 5 deliveries at once: the sixth reaches it only after one is answered", async () => {
    const LIMIT = 5;
    const COUNT = 2 * LIMIT;
    const {
      tenant,
      db,
      endpoints: [held, control],
    } = await tenantWithEndpoints(["/held", "/control"]);
    // The receiver holds every request to /held until the test answers it, and counts how many
    // are open at once; /control answers at once.
    const open: ServerResponse[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    receiver.respondWith((request, response) => {
      if (request.path !== "/held") return void response.end("ok");
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      response.on("close", () => (inFlight -= 1));
      open.push(response);
    });
    const arrivedAt = (path: string) => receiver.received.filter((r) => r.path === path).length;
    const answerAllOpen = () => open.splice(0).forEach((response) => response.end("ok"));

    await requestDeliveries([
      ...(await testDeliveries(db, tenant.slug, held!.id, COUNT)),
      ...(await testDeliveries(db, tenant.slug, control!.id, COUNT)),
    ]);
    // The control endpoint's runs were requested in the same burst and are not held: once all of
    // them have arrived, the held endpoint's runs have had every chance to start too. Only the
    // concurrency limit keeps the rest away from /held.
    await eventually("every control delivery", async () => (arrivedAt("/control") >= COUNT ? true : undefined));
    await eventually(`${LIMIT} deliveries open at /held`, async () => (inFlight >= LIMIT ? true : undefined));
    expect(arrivedAt("/held")).toBe(LIMIT);
    expect(maxInFlight).toBe(LIMIT);

    // Answering the open ones lets the next ones in, again no more than the limit at once.
    answerAllOpen();
    await eventually("the rest at /held", async () => (arrivedAt("/held") >= COUNT ? true : undefined));
    await eventually(`${LIMIT} deliveries open again`, async () => (inFlight >= LIMIT ? true : undefined));
    answerAllOpen();
    const rows = await allSucceeded(db, held!.id, COUNT);
    // One attempt each: no request was held past the 10 s deadline (which would free a slot early).
    expect(rows.map((row) => row.attempts)).toEqual(Array(COUNT).fill(1));
    expect(arrivedAt("/held")).toBe(COUNT);
    expect(maxInFlight).toBe(LIMIT);
  });

  it("an endpoint gets at most 10 deliveries a second beyond a burst of 10 (Inngest throttle)", async () => {
    const PER_SECOND = 10;
    const BURST = 10;
    const COUNT = 50;
    const {
      tenant,
      db,
      endpoints: [paced],
    } = await tenantWithEndpoints(["/paced"]);
    const arrivals: number[] = [];
    receiver.respondWith((request, response) => {
      if (request.path === "/paced") arrivals.push(performance.now());
      response.end("ok");
    });
    const deliveries = await testDeliveries(db, tenant.slug, paced!.id, COUNT);
    const requestedAt = performance.now();
    await requestDeliveries(deliveries);
    await allSucceeded(db, paced!.id, COUNT);
    expect(arrivals).toHaveLength(COUNT);

    // The throttle lets the first limit + burst start at once, then one every 1/limit s. The k-th
    // arrival cannot come before the k-th start, and no run starts before it was requested, so the
    // last arrival is at least (COUNT − limit − burst) / limit s after the request: a floor that a
    // slow machine can only exceed. A small allowance covers the scheduler's rounding. Where the
    // stack itself delivers fewer than 10 a second (a loaded CI box) the floor holds anyway and
    // only the settings test (src/inngest/functions/outbound-deliver.test.ts) catches a lost throttle.
    const floorMs = ((COUNT - PER_SECOND - BURST) / PER_SECOND) * 1000;
    const lastAfterMs = Math.max(...arrivals) - requestedAt;
    const perSecond = new Map<number, number>();
    for (const at of arrivals) {
      const second = Math.floor((at - requestedAt) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    console.log(
      `[outbound] ${COUNT} deliveries to one endpoint: last arrived ${Math.round(lastAfterMs)} ms after the request (floor ${floorMs} ms); per second: ${[...perSecond.entries()].map(([second, count]) => `${second}s:${count}`).join(" ")}`,
    );
    expect(lastAfterMs).toBeGreaterThanOrEqual(floorMs * 0.9);
  });
});
