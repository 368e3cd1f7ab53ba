import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import {
  attemptDelivery,
  DISABLE_AFTER_FAILING_MS,
  giveUpDelivery,
  recordOutboundEvent,
  retryDelaysSeconds,
} from "./delivery";
import { emitStockChanges } from "./emit";
import { createEndpoint, rotateEndpointSecret } from "./endpoints";
import type { OutboundPayload } from "./event-types";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";

/** The receiver is named on the allow-list once its port is known. */
const development = {
  get policy() {
    return { allowList: [`127.0.0.1:${receiver.port}`] };
  },
};
let database: TestDatabase;
let fixture: TenantFixture;
let receiver: Receiver;

beforeAll(async () => {
  database = await createTestDatabase();
  fixture = await createTenantFixture(database.prisma, "outbound");
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await database?.close();
});

function tenantDb() {
  return scopeToTenant(database.prisma, fixture.tenant.id);
}

let sequence = 0;
function payload(type: OutboundPayload["type"] = "item.sold"): OutboundPayload {
  sequence += 1;
  return {
    id: `evt_test_${sequence}`,
    type,
    version: 1,
    timestamp: new Date().toISOString(),
    tenant: { id: fixture.tenant.id, slug: fixture.tenant.slug },
    data: { item: { id: fixture.item.id, sku: fixture.item.sku, title: fixture.item.title } } as never,
  };
}

async function endpointAt(path: string, eventTypes = ["item.sold"]) {
  return createEndpoint(tenantDb(), { url: `${receiver.url}${path}`, description: "test", eventTypes, enabled: true });
}

describe("recording events and their deliveries", () => {
  it("creates one delivery per enabled endpoint subscribed to the type, once however often it is repeated", async () => {
    const sold = await endpointAt("/sold", ["item.sold"]);
    const other = await endpointAt("/other", ["sync.failed"]);
    const off = await endpointAt("/off", ["item.sold"]);
    await tenantDb().webhookEndpoint.updateMany({ where: { id: off.endpoint.id }, data: { enabled: false } });
    const event = payload();
    const first = await recordOutboundEvent(database.prisma, event);
    const again = await recordOutboundEvent(database.prisma, event);
    expect(first.map((d) => d.endpointId)).toEqual([sold.endpoint.id]);
    expect(again.map((d) => d.deliveryId)).toEqual(first.map((d) => d.deliveryId));
    expect(await tenantDb().outboundDelivery.count({ where: { eventId: event.id } })).toBe(1);
    expect(await tenantDb().outboundDelivery.count({ where: { endpointId: other.endpoint.id } })).toBe(0);
  });

  it("does not store an event nobody subscribes to", async () => {
    const event = payload("sync.completed");
    expect(await recordOutboundEvent(database.prisma, event)).toEqual([]);
    expect(await tenantDb().outboundEvent.count({ where: { id: event.id } })).toBe(0);
  });
});

describe("delivery attempts", () => {
  it("signs per Standard Webhooks: the receiver verifies with the standardwebhooks library", async () => {
    const created = await endpointAt("/verify");
    const event = payload();
    const [delivery] = (await recordOutboundEvent(database.prisma, event)).filter(
      (d) => d.endpointId === created.endpoint.id,
    );
    const result = await attemptDelivery(database.prisma, delivery!, development);
    expect(result).toMatchObject({ final: true, outcome: "delivered", status: 200, attempt: 1 });
    const request = receiver.received.find((r) => r.path === "/verify")!;
    expect(request.headers["content-type"]).toBe("application/json");
    const verified = new Webhook(created.plaintext).verify(request.body, request.headers as Record<string, string>);
    expect(verified).toEqual(JSON.parse(JSON.stringify(event)));
    expect(request.headers["webhook-id"]).toBe(event.id);
    const stored = await tenantDb().outboundDelivery.findFirstOrThrow({ where: { id: delivery!.deliveryId } });
    expect(stored).toMatchObject({ state: "SUCCEEDED", attempts: 1, responseStatus: 200, responseBody: "ok" });
    expect(stored.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("retries on 500 (the endpoint's failure clock starts) and stops at the first 2xx (the clock stops)", async () => {
    const created = await endpointAt("/flaky");
    receiver.respondWith((request, response) =>
      request.path === "/flaky" && receiver.received.filter((r) => r.path === "/flaky").length <= 2
        ? response.writeHead(500).end("boom")
        : response.end("ok"),
    );
    const [delivery] = (await recordOutboundEvent(database.prisma, payload())).filter(
      (d) => d.endpointId === created.endpoint.id,
    );
    const results = [];
    // The durable function's loop: attempt until final (it sleeps between attempts; here no wait is needed).
    for (let i = 0; i < 5; i += 1) {
      const result = await attemptDelivery(database.prisma, delivery!, development);
      results.push(result);
      if (i === 0)
        expect(
          (await tenantDb().webhookEndpoint.findFirstOrThrow({ where: { id: created.endpoint.id } })).failingSince,
        ).not.toBeNull();
      if (result.final) break;
    }
    receiver.respondWith((_request, response) => response.end("ok"));
    expect(results.map((r) => [r.outcome, r.status])).toEqual([
      ["failed", 500],
      ["failed", 500],
      ["delivered", 200],
    ]);
    expect(receiver.received.filter((r) => r.path === "/flaky")).toHaveLength(3);
    const attempts = await tenantDb().outboundAttempt.findMany({
      where: { deliveryId: delivery!.deliveryId },
      orderBy: { attempt: "asc" },
    });
    expect(attempts.map((a) => [a.attempt, a.responseStatus, a.responseBody])).toEqual([
      [1, 500, "boom"],
      [2, 500, "boom"],
      [3, 200, "ok"],
    ]);
    expect(
      (await tenantDb().webhookEndpoint.findFirstOrThrow({ where: { id: created.endpoint.id } })).failingSince,
    ).toBeNull();
  });

  it("410 Gone disables the endpoint and writes an audit row; later deliveries are not attempted", async () => {
    const created = await endpointAt("/gone");
    receiver.respondWith((request, response) =>
      request.path === "/gone" ? response.writeHead(410).end() : response.end("ok"),
    );
    const [delivery] = (await recordOutboundEvent(database.prisma, payload())).filter(
      (d) => d.endpointId === created.endpoint.id,
    );
    expect(await attemptDelivery(database.prisma, delivery!, development)).toMatchObject({
      final: true,
      outcome: "gone",
      status: 410,
    });
    receiver.respondWith((_request, response) => response.end("ok"));
    const endpoint = await tenantDb().webhookEndpoint.findFirstOrThrow({ where: { id: created.endpoint.id } });
    expect(endpoint).toMatchObject({ enabled: false, disabledReason: expect.stringContaining("410") });
    expect(
      await tenantDb().auditLog.count({
        where: { action: "webhook_endpoint.disabled_gone", target: `webhook_endpoint:${endpoint.id}` },
      }),
    ).toBe(1);
    expect(await tenantDb().outboundDelivery.findFirstOrThrow({ where: { id: delivery!.deliveryId } })).toMatchObject({
      state: "FAILED",
    });
    const before = receiver.received.length;
    expect(await recordOutboundEvent(database.prisma, payload())).not.toContainEqual(
      expect.objectContaining({ endpointId: endpoint.id }),
    );
    expect(await attemptDelivery(database.prisma, delivery!, development)).toMatchObject({
      outcome: "endpoint-disabled",
    });
    expect(receiver.received.length).toBe(before);
  });

  it("an endpoint failing for 3 days straight is disabled, with an audit row", async () => {
    const created = await endpointAt("/down");
    receiver.respondWith((request, response) => response.writeHead(request.path === "/down" ? 503 : 200).end());
    const [delivery] = (await recordOutboundEvent(database.prisma, payload())).filter(
      (d) => d.endpointId === created.endpoint.id,
    );
    const start = new Date();
    expect(await attemptDelivery(database.prisma, delivery!, { ...development, now: start })).toMatchObject({
      final: false,
      status: 503,
    });
    expect(
      await attemptDelivery(database.prisma, delivery!, {
        ...development,
        now: new Date(start.getTime() + DISABLE_AFTER_FAILING_MS - 60_000),
      }),
    ).toMatchObject({ final: false });
    expect(
      await attemptDelivery(database.prisma, delivery!, {
        ...development,
        now: new Date(start.getTime() + DISABLE_AFTER_FAILING_MS),
      }),
    ).toMatchObject({ final: true, outcome: "endpoint-failing-3-days" });
    receiver.respondWith((_request, response) => response.end("ok"));
    expect(await tenantDb().webhookEndpoint.findFirstOrThrow({ where: { id: created.endpoint.id } })).toMatchObject({
      enabled: false,
      disabledReason: expect.stringMatching(/failed for 3 days.*HTTP 503/),
    });
    expect(await tenantDb().auditLog.count({ where: { action: "webhook_endpoint.disabled_failing" } })).toBe(1);
  });

  it("after a rotation both the old and the new secret verify until the grace period ends", async () => {
    const created = await endpointAt("/rotated");
    const rotated = await rotateEndpointSecret(tenantDb(), created.endpoint.id, 24);
    const [delivery] = (await recordOutboundEvent(database.prisma, payload())).filter(
      (d) => d.endpointId === created.endpoint.id,
    );
    await attemptDelivery(database.prisma, delivery!, development);
    const request = receiver.received.find((r) => r.path === "/rotated")!;
    expect(() =>
      new Webhook(created.plaintext).verify(request.body, request.headers as Record<string, string>),
    ).not.toThrow();
    expect(() =>
      new Webhook(rotated.plaintext).verify(request.body, request.headers as Record<string, string>),
    ).not.toThrow();
    // With no grace the old secret stops signing at once.
    const immediate = await rotateEndpointSecret(tenantDb(), created.endpoint.id, 0);
    const [next] = (await recordOutboundEvent(database.prisma, payload())).filter(
      (d) => d.endpointId === created.endpoint.id,
    );
    await attemptDelivery(database.prisma, next!, development);
    const last = receiver.received.filter((r) => r.path === "/rotated").at(-1)!;
    expect(String(last.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(() =>
      new Webhook(immediate.plaintext).verify(last.body, last.headers as Record<string, string>),
    ).not.toThrow();
    expect(() => new Webhook(rotated.plaintext).verify(last.body, last.headers as Record<string, string>)).toThrow();
  });

  it("the signing secret is stored sealed: no plaintext in the row", async () => {
    const created = await endpointAt("/sealed");
    const row = await tenantDb().webhookEndpointSecret.findFirstOrThrow({ where: { endpointId: created.endpoint.id } });
    expect(Buffer.from(row.ciphertext).toString("utf8")).not.toContain(created.plaintext.slice(6));
    expect(row.last4).toBe(created.plaintext.slice(-4));
  });

  it("in production mode a loopback endpoint is refused without a request, and retried like any failure", async () => {
    const created = await endpointAt("/ssrf");
    const [delivery] = (await recordOutboundEvent(database.prisma, payload())).filter(
      (d) => d.endpointId === created.endpoint.id,
    );
    const result = await attemptDelivery(database.prisma, delivery!, { policy: {} });
    expect(result).toMatchObject({ final: false, status: null, error: "Use an https:// URL" });
    expect(receiver.received.some((r) => r.path === "/ssrf")).toBe(false);
    await giveUpDelivery(database.prisma, delivery!);
    expect(await tenantDb().outboundDelivery.findFirstOrThrow({ where: { id: delivery!.deliveryId } })).toMatchObject({
      state: "FAILED",
      error: "Use an https:// URL",
    });
  });
});

describe("emitting from the stock pipeline", () => {
  it("sends inventory.updated for a change and item.sold when the item became Sold, with stable ids", async () => {
    await endpointAt("/emit", ["inventory.updated"]);
    const sent: OutboundPayload[] = [];
    const change = {
      itemId: fixture.item.id,
      version: 7,
      before: { quantity: 1, status: "AVAILABLE" as const },
      after: { quantity: 0, status: "SOLD" as const },
    };
    const source = { kind: "webhook" as const, connectionId: fixture.connection.id, webhookEventId: fixture.event.id };
    expect(
      await emitStockChanges(
        database.prisma,
        fixture.tenant.id,
        [change],
        source,
        async (payloads) => void sent.push(...payloads),
      ),
    ).toBe(2);
    expect(sent.map((p) => p.type)).toEqual(["inventory.updated", "item.sold"]);
    expect(sent[0]).toMatchObject({
      version: 1,
      tenant: { slug: fixture.tenant.slug },
      data: { item: { sku: fixture.item.sku }, before: change.before, after: change.after, itemVersion: 7, source },
    });
    const again: OutboundPayload[] = [];
    await emitStockChanges(
      database.prisma,
      fixture.tenant.id,
      [change],
      source,
      async (payloads) => void again.push(...payloads),
    );
    expect(again.map((p) => p.id)).toEqual(sent.map((p) => p.id));
  });

  it("never throws: a failing sender is logged and swallowed", async () => {
    const change = {
      itemId: fixture.item.id,
      version: 8,
      before: { quantity: 1, status: "AVAILABLE" as const },
      after: { quantity: 2, status: "AVAILABLE" as const },
    };
    await expect(
      emitStockChanges(
        database.prisma,
        fixture.tenant.id,
        [change],
        { kind: "reconcile", connectionId: fixture.connection.id },
        async () => Promise.reject(new Error("Inngest down")),
      ),
    ).resolves.toBe(0);
  });

  it("gives up on a sender that hangs: the stock pipeline's step goes on without it", async () => {
    await endpointAt("/hang", ["inventory.updated"]);
    let called = false;
    const change = {
      itemId: fixture.item.id,
      version: 9,
      before: { quantity: 2, status: "AVAILABLE" as const },
      after: { quantity: 1, status: "AVAILABLE" as const },
    };
    // Never settles: without the bound this await would never return (the test would time out).
    const hangs = () => {
      called = true;
      return new Promise<never>(() => undefined);
    };
    await expect(
      emitStockChanges(
        database.prisma,
        fixture.tenant.id,
        [change],
        { kind: "reconcile", connectionId: fixture.connection.id },
        hangs,
      ),
    ).resolves.toBe(0);
    expect(called).toBe(true);
  });

  it("sends nothing (and builds nothing) for a tenant without subscribed endpoints", async () => {
    const other = await createTenantFixture(database.prisma, "quiet");
    let called = false;
    const change = {
      itemId: other.item.id,
      version: 1,
      before: { quantity: 1, status: "AVAILABLE" as const },
      after: { quantity: 0, status: "SOLD" as const },
    };
    expect(
      await emitStockChanges(
        database.prisma,
        other.tenant.id,
        [change],
        { kind: "webhook", connectionId: other.connection.id },
        async () => void (called = true),
      ),
    ).toBe(0);
    expect(called).toBe(false);
  });
});

describe("retry schedule", () => {
  it("is 8 attempts over about 27.6 hours by default, and configurable", () => {
    const delays = retryDelaysSeconds({});
    expect(delays).toHaveLength(7);
    expect(delays.reduce((a, b) => a + b, 0) / 3600).toBeCloseTo(27.6, 1);
    expect(retryDelaysSeconds({ OUTBOUND_WEBHOOKS_RETRY_DELAYS: "1,2" })).toEqual([1, 2]);
  });
});
