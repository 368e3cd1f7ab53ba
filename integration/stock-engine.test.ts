import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeyring } from "@/server/crypto/secret-box";
import { storeSecret } from "@/server/crypto/secret-store";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { connectorConfigFor, createSimulator, type Simulator } from "@sim";
import { eventually, startStack, type Stack } from "./harness";

/**
 * The stock engine's promises through the real pipeline (production app, Inngest dev server,
 * PostgreSQL): restocks, out-of-order deliveries, a storm of concurrent deliveries for one item,
 * and a 2,000-item reconcile with 37 drifted products.
 */
let stack: Stack;
let sim: Simulator;
let tenantId: string;
let tenantSlug: string;
let connectionId: string;
let reconcileConnectionId: string;
const SECRET = "stock-engine-it-secret";
const CATALOGUE = 2_000;

beforeAll(async () => {
  sim = await createSimulator({ stores: [{ provider: "sam", id: "big", size: CATALOGUE, seed: 11 }] });
  stack = await startStack({ allow: [sim.url] });
  const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
  const tenant = await stack.prisma.tenant.create({
    data: { slug: `engine-${randomUUID().slice(0, 8)}`, name: "Engine IT", kind: "STORE" },
  });
  [tenantId, tenantSlug] = [tenant.id, tenant.slug];
  const db = scopeToTenant(stack.prisma, tenant.id);
  // MANUAL: the 5-minute schedule must not start a reconcile in the middle of a test.
  const connection = await db.connection.create({
    data: {
      tenantId,
      provider: "SAM",
      direction: "SOURCE",
      name: "SAM webhooks",
      baseUrl: "http://127.0.0.1:9",
      syncSchedule: "MANUAL",
    },
  });
  connectionId = connection.id;
  await storeSecret(db, { connectionId, purpose: "WEBHOOK_SIGNING", label: "signing", plaintext: SECRET }, keyring);
  for (const [externalId, sku, oneOfAKind, quantity] of [
    ["2001", "PRINT-1", false, 3],
    ["2002", "PRINT-2", false, 5],
    ["2003", "ART-9", true, 1],
    ["2004", "PRINT-50", false, 100],
  ] as const) {
    const item = await db.item.create({ data: { tenantId, sku, title: sku, quantity, oneOfAKind } });
    await db.itemLink.create({ data: { tenantId, itemId: item.id, connectionId, externalId } });
  }

  const config = connectorConfigFor(sim.stores.require("sam:big"), sim.url);
  const source = await db.connection.create({
    data: {
      tenantId,
      provider: "SAM",
      direction: "SOURCE",
      name: "SAM catalogue",
      baseUrl: config.baseUrl,
      syncSchedule: "MANUAL",
    },
  });
  reconcileConnectionId = source.id;
  await storeSecret(
    db,
    { connectionId: source.id, purpose: "API_CREDENTIAL", label: "api", plaintext: JSON.stringify(config.credentials) },
    keyring,
  );
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  await sim?.close();
});

async function deliver(
  samId: string,
  stock: number,
  status: "available" | "sold",
  occurredAt: Date,
  eventId = randomUUID(),
) {
  const body = JSON.stringify({
    event_id: eventId,
    type: "stock.changed",
    occurred_at: occurredAt.toISOString(),
    data: { sam_id: samId, stock, status, reason: "adjustment" },
  });
  const response = await fetch(`${stack.appUrl}/api/webhooks/${tenantSlug}/${connectionId}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-sam-signature": createHmac("sha256", SECRET).update(body).digest("hex"),
    },
    body,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

const finalEvent = (id: string) =>
  eventually(
    `event ${id} to reach a final state`,
    async () => {
      const row = await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id } });
      return ["APPLIED", "STALE", "SKIPPED", "FAILED"].includes(row.status) ? row : undefined;
    },
    60_000,
  );
const item = (sku: string) => stack.prisma.item.findFirstOrThrow({ where: { tenantId, sku } });

describe("stock engine through the pipeline", () => {
  it("a replenishable item runs out, then a restock brings it back", async () => {
    const t0 = Date.now();
    await finalEvent(await deliver("2001", 0, "available", new Date(t0)));
    expect(await item("PRINT-1")).toMatchObject({ quantity: 0, status: "OUT_OF_STOCK" });
    const restock = await finalEvent(await deliver("2001", 4, "available", new Date(t0 + 1000)));
    expect(restock).toMatchObject({ status: "APPLIED", action: expect.stringContaining("0 → 4") });
    expect(await item("PRINT-1")).toMatchObject({ quantity: 4, status: "AVAILABLE" });
  });

  it("an older delivery arriving late is STALE and changes nothing", async () => {
    const now = Date.now();
    await finalEvent(await deliver("2002", 2, "available", new Date(now)));
    const late = await finalEvent(await deliver("2002", 7, "available", new Date(now - 60_000)));
    expect(late.status).toBe("STALE");
    expect(await item("PRINT-2")).toMatchObject({ quantity: 2, status: "AVAILABLE" });
  });

  it("50 concurrent deliveries for one item leave exactly the newest source state", async () => {
    const base = Date.now();
    // Quantities 50..1 with source times in order; sent all at once, in shuffled order.
    const deliveries = Array.from({ length: 50 }, (_, i) => ({ stock: 50 - i, at: new Date(base + i * 10) })).sort(
      () => Math.random() - 0.5,
    );
    const ids = await Promise.all(deliveries.map((d) => deliver("2004", d.stock, "available", d.at)));
    const events = await Promise.all(ids.map(finalEvent));
    expect(events.every((event) => event.status === "APPLIED" || event.status === "STALE")).toBe(true);
    expect(await item("PRINT-50")).toMatchObject({ quantity: 1, status: "AVAILABLE" });
    // No lost update: the applied changes form one unbroken chain from the starting 100 to 1
    // (every quantity is distinct, so each step has exactly one successor).
    const changes = await stack.prisma.stockChange.findMany({ where: { tenantId, item: { sku: "PRINT-50" } } });
    const byBefore = new Map(changes.map((change) => [change.quantityBefore, change]));
    let current = 100;
    for (let step = 0; step < changes.length; step += 1) current = byBefore.get(current)?.quantityAfter ?? Number.NaN;
    expect(current).toBe(1);
    expect(byBefore.size).toBe(changes.length);
  });

  it("reconciles a 2,000-item catalogue and fixes exactly the 37 products that drifted", async () => {
    const runOnce = async () => {
      const requestedAt = new Date();
      await stack.sendEvent({
        name: "stock/reconcile.requested",
        data: { tenantId, connectionId: reconcileConnectionId, mode: "full", trigger: "MANUAL" },
      });
      return eventually(
        "the reconcile to finish",
        async () => {
          const row = await stack.prisma.syncRun.findFirst({
            where: {
              connectionId: reconcileConnectionId,
              startedAt: { gte: requestedAt },
              status: { in: ["SUCCEEDED", "FAILED"] },
            },
          });
          return row ?? undefined;
        },
        120_000,
      );
    };
    const first = await runOnce();
    expect(first).toMatchObject({ status: "SUCCEEDED", itemsScanned: CATALOGUE, itemsCreated: CATALOGUE });

    const all = sim.controls.items("sam:big", { offset: 0, limit: CATALOGUE });
    const drifted = all.filter((_, index) => index % 53 === 7).slice(0, 37);
    for (const product of drifted) sim.controls.setItem("sam:big", product.sku, { quantity: product.quantity + 3 });
    const started = Date.now();
    const second = await runOnce();
    console.log(
      `[stock-engine] full reconcile of ${CATALOGUE} items with 37 drifted through Inngest: ${Date.now() - started} ms (run ${second.finishedAt!.getTime() - second.startedAt.getTime()} ms, ${second.pages} pages)`,
    );
    expect(second).toMatchObject({
      status: "SUCCEEDED",
      itemsScanned: CATALOGUE,
      itemsChanged: 37,
      itemsCreated: 0,
      itemsVanished: 0,
    });
    expect(await item(drifted[0]!.sku)).toMatchObject({ quantity: drifted[0]!.quantity + 3 });
  });
});
