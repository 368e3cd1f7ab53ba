import { afterAll, beforeAll, expect, it } from "vitest";
import { createConnector, type SourceConnector } from "@/server/connectors";
import { configuredKeyring } from "@/server/crypto/secret-store";
import { finishSyncRun, reconcilePage, startSyncRun } from "@/server/inventory/reconcile";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { ConnectionDirectory } from "@/server/inbound/connection-directory";
import { ingestWebhook } from "@/server/inbound/ingest";
import { KnownSourceAddresses } from "@/server/inbound/known-sources";
import { RateLimiter } from "@/server/inbound/rate-limiter";
import { SigningSecretCache } from "@/server/inbound/signing-secrets";
import { connectorConfigFor, createSimulator, type Simulator } from "@sim";
import { bcCompanyId, bcItemId } from "@sim/providers/business-central";
import { reconcileForCollection } from "./collection-reconcile";
import { createConnection } from "./connection-setup";

/**
 * A Business Central `collection` notification (more than 1,000 changes in 30 s, no item ids) is
 * accepted and leads to an incremental reconcile of that connection, which picks up the changes.
 */
let database: TestDatabase;
let sim: Simulator;
let fx: TenantFixture;
let connectionId: string;
let clientState: string;
let connector: SourceConnector;
const STORE = "bc:burst";

beforeAll(async () => {
  [database, sim] = await Promise.all([
    createTestDatabase(),
    createSimulator({ stores: [{ provider: "bc", id: "burst", size: 30 }] }),
  ]);
  fx = await createTenantFixture(database.prisma, "burst");
  // The simulator stands in for a public host: the address rules allow it by name.
  process.env.OUTBOUND_ALLOW_LIST = new URL(sim.url).host;
  const config = connectorConfigFor(sim.stores.require(STORE), sim.url);
  connector = createConnector(config as never) as SourceConnector;
  const created = await createConnection(scopeToTenant(database.prisma, fx.tenant.id), {
    provider: "BUSINESS_CENTRAL",
    direction: "SOURCE",
    name: "BC",
    baseUrl: config.baseUrl,
    syncSchedule: "H24",
    credentials: config.credentials as Record<string, unknown>,
  });
  connectionId = created.connection.id;
  clientState = created.signingSecret;
}, 120_000);
afterAll(async () => {
  delete process.env.OUTBOUND_ALLOW_LIST;
  await database?.close();
  await sim?.close();
});

/** What the reconcile function does, page by page, without Inngest. */
async function reconcile(mode: "full" | "incremental") {
  const connection = await database.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
  const incremental = mode === "incremental" && connection.lastSyncAt;
  const run = await startSyncRun(database.prisma, {
    tenantId: fx.tenant.id,
    connectionId,
    trigger: mode === "full" ? "MANUAL" : "WEBHOOK",
    mode: incremental ? "INCREMENTAL" : "FULL",
  });
  let cursor: string | undefined;
  let scanned = 0;
  do {
    const page = await connector.listStock({ cursor, updatedSince: incremental ? connection.lastSyncAt! : undefined });
    scanned += page.items.length;
    await reconcilePage(database.prisma, run, page);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  await finishSyncRun(database.prisma, run, new Date(), { archiveVanished: true });
  return { run: await database.prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } }), scanned };
}

it("a collection notification is accepted, and the incremental reconcile it starts picks up the burst", async () => {
  await reconcile("full");
  const store = sim.stores.require(STORE);
  // A burst at the ERP: more changes than Business Central lists one by one.
  for (const index of [3, 7, 11]) store.catalogue.setQuantity(index, 40 + index);

  const body = JSON.stringify({
    value: [
      {
        subscriptionId: "sub-1",
        clientState,
        expirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
        resource: `api/v2.0/companies(${bcCompanyId(store)})/items`,
        changeType: "collection",
        lastModifiedDateTime: new Date().toISOString(),
      },
    ],
  });
  const sent: string[] = [];
  const answer = await ingestWebhook(
    {
      prisma: database.prisma,
      connections: new ConnectionDirectory(database.prisma),
      secrets: new SigningSecretCache(database.prisma, () => configuredKeyring()),
      rateLimiter: new RateLimiter(1000, 1000),
      sourceLimiter: new RateLimiter(1000, 1000),
      rejectionLimiter: new RateLimiter(1000, 1000),
      knownSources: new KnownSourceAddresses(database.prisma),
      sendEvent: async (message) => void sent.push(message.webhookEventId),
      log: () => undefined,
    },
    {
      tenantSlug: fx.tenant.slug,
      connectionId,
      headers: new Headers({ "content-type": "application/json" }),
      query: new URLSearchParams(),
      contentLength: body.length,
      sourceAddress: "127.0.0.1",
      readBody: async () => Buffer.from(body),
    },
  );
  expect(answer.status).toBe(200);
  expect(sent).toHaveLength(1);
  const event = await database.prisma.webhookEvent.findUniqueOrThrow({ where: { id: sent[0]! } });
  expect(event.topic).toBe("items/collection");

  const request = await reconcileForCollection(database.prisma, fx.tenant.id, event.id);
  expect(request).toEqual({ tenantId: fx.tenant.id, connectionId, mode: "incremental", trigger: "WEBHOOK" });

  const { run, scanned } = await reconcile(request!.mode);
  expect(run.mode).toBe("INCREMENTAL");
  expect(scanned).toBe(3);
  for (const index of [3, 7, 11]) {
    const link = await database.prisma.itemLink.findFirstOrThrow({
      where: { connectionId, externalId: bcItemId(store, index) },
      select: { item: { select: { quantity: true } } },
    });
    expect(link.item.quantity).toBe(40 + index);
  }
});

it("an ordinary notification starts no reconcile", async () => {
  const event = await database.prisma.webhookEvent.create({
    data: {
      tenantId: fx.tenant.id,
      connectionId,
      provider: "BUSINESS_CENTRAL",
      payloadHash: "1".repeat(64),
      signatureVerdict: "VALID",
      status: "QUEUED",
      payload: { changes: [], body: { value: [{ changeType: "updated" }] } },
    },
  });
  expect(await reconcileForCollection(database.prisma, fx.tenant.id, event.id)).toBeNull();
});
