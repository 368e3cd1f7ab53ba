import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Provider } from "@/generated/prisma/client";
import { generateKeyringEntry, parseKeyring } from "@/server/crypto/secret-box";
import { rotateSigningSecret, storeSecret } from "@/server/crypto/secret-store";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { connectionHealth } from "@/server/connections/connection-health";
import { ConnectionDirectory } from "./connection-directory";
import {
  ingestWebhook,
  MAX_BODY_BYTES,
  REJECTION_SAMPLES_KEPT,
  type IngestDeps,
  type WebhookEventMessage,
} from "./ingest";
import { KnownSourceAddresses } from "./known-sources";
import { RateLimiter } from "./rate-limiter";
import { SigningSecretCache, TTL_MS as SECRET_CACHE_TTL_MS } from "./signing-secrets";
import { STORED_DELIVERY_HEADER } from "./stored-delivery-header";

/*
 * Signatures here never come from the verifier's code: the first three are fixed vectors
 * computed with `openssl dgst -sha256 -hmac`, variants are signed with node:crypto directly in
 * this file, and Standard Webhooks deliveries are signed by the `standardwebhooks` library.
 */
const SAM_BODY =
  '{"event_id":"evt_1001","type":"stock.changed","occurred_at":"2026-11-22T10:15:00Z","data":{"sam_id":1007,"sku":"ART-0007","stock":0,"status":"sold","reason":"sale"}}';
const SAM_SIGNATURE = "5a803a01dc197f029eb54ce4d52fabe10bdf90f47d1683773e1fc87df3dd8636";
const SHOPIFY_BODY =
  '{"inventory_item_id":44000007,"location_id":905684977,"available":0,"updated_at":"2026-11-22T10:15:00-05:00","admin_graphql_api_id":"gid://shopify/InventoryLevel/905684977?inventory_item_id=44000007"}';
const SHOPIFY_SIGNATURE = "CHIFkQ/0gAOkWywMXsg5OeT8yk30DEONc/7cMRAVcQk=";
const WOO_BODY =
  '{"id":507,"name":"Red Kite 1","sku":"ART-0007","status":"publish","manage_stock":true,"stock_quantity":0,"stock_status":"outofstock","date_modified_gmt":"2026-11-22T10:15:00"}';
const WOO_SIGNATURE = "BdOXFSirx+u2g0LoBEXbTGFfV8EOMGEIRKN1ffKZOc0=";
const STANDARD_SECRET = `whsec_${Buffer.from("standard-webhooks-test-key-32byt").toString("base64")}`;
const BC_CLIENT_STATE = "bc-client-state-secret";
const BIGCOMMERCE_TOKEN = "bigcommerce-custom-header-token";

const SECRETS: Record<Provider, string> = {
  SAM: "sam-shared-secret",
  SHOPIFY: "shpss_app_secret",
  WOOCOMMERCE: "woo-webhook-secret",
  BIGCOMMERCE: BIGCOMMERCE_TOKEN,
  BUSINESS_CENTRAL: BC_CLIENT_STATE,
  STANDARD_WEBHOOKS: STANDARD_SECRET,
};

const keyring = parseKeyring(generateKeyringEntry("test"));
let database: TestDatabase;
let tenant: TenantFixture;
const connections = {} as Record<Provider, string>;
let clock: Date;
let sent: WebhookEventMessage[];
let deps: IngestDeps;

function hmac(secret: string, body: string, encoding: "hex" | "base64") {
  return createHmac("sha256", secret).update(body).digest(encoding);
}

function standardSigned(body: string, id = `msg_${Math.random().toString(36).slice(2)}`, at = clock) {
  const signature = new Webhook(STANDARD_SECRET).sign(id, at, body);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

/** The platform's sending address in these tests; attackers use others. */
const PLATFORM_ADDRESS = "203.0.113.10";

function post(
  provider: Provider,
  body: string | Buffer,
  headers: Record<string, string>,
  options: { query?: string; slug?: string; connectionId?: string; from?: string | null } = {},
) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return ingestWebhook(deps, {
    tenantSlug: options.slug ?? tenant.tenant.slug,
    connectionId: options.connectionId ?? connections[provider],
    headers: new Headers({ "content-type": "application/json", ...headers }),
    query: new URLSearchParams(options.query ?? ""),
    contentLength: bytes.length,
    sourceAddress: options.from === undefined ? PLATFORM_ADDRESS : options.from,
    readBody: async (limit) => (bytes.length > limit ? "too_large" : bytes),
  });
}

async function lastEvent() {
  return database.prisma.webhookEvent.findFirstOrThrow({
    where: { tenantId: tenant.tenant.id },
    orderBy: { receivedAt: "desc" },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  tenant = await createTenantFixture(database.prisma, "hooks");
  const db = scopeToTenant(database.prisma, tenant.tenant.id);
  for (const provider of Object.keys(SECRETS) as Provider[]) {
    const connection = await db.connection.create({
      data: {
        tenantId: tenant.tenant.id,
        provider,
        direction: "SOURCE",
        name: provider,
        baseUrl: "http://127.0.0.1:9/x",
      },
    });
    connections[provider] = connection.id;
    await storeSecret(
      db,
      { connectionId: connection.id, purpose: "WEBHOOK_SIGNING", label: "signing", plaintext: SECRETS[provider] },
      keyring,
    );
  }
});
afterAll(() => database?.close());

// Each test runs four days after the previous one, so no dedup window reaches across tests and
// the newest row is the current test's.
let testDay = 0;
beforeEach(() => {
  testDay += 4;
  clock = new Date(Date.UTC(2030, 0, 1) + testDay * 86_400_000);
  sent = [];
  deps = {
    prisma: database.prisma,
    connections: new ConnectionDirectory(database.prisma, () => clock.getTime()),
    secrets: new SigningSecretCache(
      database.prisma,
      () => keyring,
      () => clock.getTime(),
    ),
    rateLimiter: new RateLimiter(1000, 1000, () => clock.getTime()),
    sourceLimiter: new RateLimiter(10_000, 10_000, () => clock.getTime()),
    rejectionLimiter: new RateLimiter(1000, 1000, () => clock.getTime()),
    knownSources: new KnownSourceAddresses(database.prisma, () => clock.getTime()),
    sendEvent: async (message) => void sent.push(message),
    now: () => clock,
    log: () => undefined,
  };
});

const signedCases: [Provider, () => { body: string; headers: Record<string, string> }][] = [
  ["SAM", () => ({ body: SAM_BODY, headers: { "x-sam-signature": SAM_SIGNATURE } })],
  [
    "SHOPIFY",
    () => ({
      body: SHOPIFY_BODY,
      headers: {
        "x-shopify-hmac-sha256": SHOPIFY_SIGNATURE,
        "x-shopify-topic": "inventory_levels/update",
        "x-shopify-webhook-id": `wh-${Math.random()}`,
        "x-shopify-event-id": `ev-${Math.random()}`,
      },
    }),
  ],
  [
    "WOOCOMMERCE",
    () => ({
      body: WOO_BODY,
      headers: {
        "x-wc-webhook-signature": WOO_SIGNATURE,
        "x-wc-webhook-topic": "product.updated",
        "x-wc-webhook-delivery-id": `d-${Math.random()}`,
      },
    }),
  ],
  [
    "BIGCOMMERCE",
    () => {
      const body = JSON.stringify({
        scope: "store/product/inventory/updated",
        store_id: "1025646",
        data: { type: "product", id: 187, inventory: { product_id: 187, method: "absolute", value: 3 } },
        hash: `h${Math.random()}`,
        created_at: 1_795_000_000,
        producer: "stores/abc123",
      });
      return { body, headers: { "x-stockhook-token": BIGCOMMERCE_TOKEN } };
    },
  ],
  [
    "BUSINESS_CENTRAL",
    () => ({
      body: JSON.stringify({
        value: [
          {
            subscriptionId: "sub-1",
            clientState: BC_CLIENT_STATE,
            expirationDateTime: "2026-11-25T10:00:00Z",
            resource: `api/v2.0/companies(7a1e2c55-0000-4000-8000-000000000001)/items(5d115c9c-44e3-ea11-bb43-${Math.random().toString().slice(2, 14).padEnd(12, "0")})`,
            changeType: "updated",
            lastModifiedDateTime: "2026-11-22T10:15:00Z",
          },
        ],
      }),
      headers: {},
    }),
  ],
  [
    "STANDARD_WEBHOOKS",
    () => {
      const body = JSON.stringify({ type: "stock.changed", data: { external_id: "X-1", quantity: 2, reason: "sale" } });
      return { body, headers: standardSigned(body) };
    },
  ],
];

describe.each(signedCases)("%s deliveries", (provider, make) => {
  it("accepts a correctly signed, real-shaped payload, stores it and queues it", async () => {
    const { body, headers } = make();
    const answer = await post(provider, body, headers);
    expect(answer.status).toBe(200);
    // The balancer counts the tenant's stored deliveries by this mark.
    expect(answer.headers?.[STORED_DELIVERY_HEADER]).toBe("1");
    const event = await lastEvent();
    expect(event).toMatchObject({ status: "QUEUED", signatureVerdict: "VALID", responseStatus: 200, provider });
    expect(event.payload).not.toBeNull();
    expect(event.matchedSecretId).not.toBeNull();
    expect(sent).toEqual([expect.objectContaining({ webhookEventId: event.id, id: event.id })]);
    expect(event.sentAt).toBeNull(); // set when the pipeline claims it
    expect([event.receivedAt, event.queuedAt]).toEqual([clock, clock]);
  });

  // BigCommerce signs nothing: its token header is checked below instead.
  it.skipIf(provider === "BIGCOMMERCE")(
    "refuses one flipped byte in the body with 401 and stores no payload",
    async () => {
      const { body, headers } = make();
      const tampered = Buffer.from(body);
      const index = tampered.indexOf(provider === "BUSINESS_CENTRAL" ? "updated" : ":") + 1;
      tampered[index] = tampered[index]! ^ 0x01;
      const answer = await post(provider, tampered, headers);
      expect(answer.status, answer.body).toBe(401);
      // A forgery never counts towards its tenant being busy at the balancer.
      expect(answer.headers?.[STORED_DELIVERY_HEADER]).toBeUndefined();
      const event = await lastEvent();
      expect(event.status).toBe("REJECTED");
      expect(event.payload).toBeNull();
      expect(event.payloadHash).toMatch(/^[0-9a-f]{64}$/);
      expect(sent).toEqual([]);
    },
  );

  it("refuses a missing signature with 401", async () => {
    const { body } = make();
    const stripped = provider === "BUSINESS_CENTRAL" ? body.replace(`"clientState":"${BC_CLIENT_STATE}",`, "") : body;
    const answer = await post(provider, stripped, provider === "STANDARD_WEBHOOKS" ? { "webhook-id": "x" } : {});
    expect(answer.status).toBe(401);
    expect((await lastEvent()).signatureVerdict).toBe("MISSING");
  });

  it("refuses an oversized body with 413 before reading it", async () => {
    const answer = await post(provider, Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), make().headers);
    expect(answer.status).toBe(413);
    expect(await lastEvent()).toMatchObject({
      status: "REJECTED",
      responseStatus: 413,
      signatureVerdict: "NOT_CHECKED",
    });
  });
});

describe("signature variants", () => {
  it("refuses a flipped signature byte", async () => {
    const flipped = SAM_SIGNATURE.replace(/^./, (c) => (c === "5" ? "4" : "5"));
    expect((await post("SAM", SAM_BODY, { "x-sam-signature": flipped })).status).toBe(401);
    expect((await lastEvent()).signatureVerdict).toBe("INVALID");
  });

  it("refuses a BigCommerce token that differs in one byte", async () => {
    const body = JSON.stringify({
      scope: "store/product/inventory/updated",
      store_id: "1",
      data: { type: "product", id: 1, inventory: { product_id: 1, method: "absolute", value: 1 } },
      hash: "h-token",
      created_at: 1_795_000_000,
      producer: "stores/abc",
    });
    const answer = await post("BIGCOMMERCE", body, { "x-stockhook-token": BIGCOMMERCE_TOKEN.replace(/.$/, "X") });
    expect(answer.status).toBe(401);
    expect(await lastEvent()).toMatchObject({ signatureVerdict: "INVALID", payload: null });
  });

  it("accepts SAM's optional sha256= prefix", async () => {
    expect((await post("SAM", SAM_BODY, { "x-sam-signature": `sha256=${SAM_SIGNATURE}` })).status).toBe(200);
  });

  it("refuses an expired Standard Webhooks timestamp (replay protection)", async () => {
    const body = JSON.stringify({ type: "stock.changed", data: { external_id: "X-1", quantity: 1 } });
    const answer = await post(
      "STANDARD_WEBHOOKS",
      body,
      standardSigned(body, "msg_old", new Date(clock.getTime() - 6 * 60_000)),
    );
    expect(answer.status).toBe(401);
    expect((await lastEvent()).signatureVerdict).toBe("EXPIRED_TIMESTAMP");
  });

  it("accepts a Standard Webhooks delivery listing several signatures", async () => {
    const body = JSON.stringify({ type: "stock.changed", data: { external_id: "X-2", quantity: 1 } });
    const headers = standardSigned(body);
    headers["webhook-signature"] = `v1,${Buffer.alloc(32).toString("base64")} ${headers["webhook-signature"]}`;
    expect((await post("STANDARD_WEBHOOKS", body, headers)).status).toBe(200);
  });
});

describe("bad input", () => {
  it("answers 400 for malformed JSON with a valid signature, logged with the reason", async () => {
    const body = '{"event_id": "evt_x", "type": "stock.changed", ';
    const answer = await post("SAM", body, { "x-sam-signature": hmac(SECRETS.SAM, body, "hex") });
    expect(answer.status).toBe(400);
    expect(await lastEvent()).toMatchObject({
      status: "REJECTED",
      responseStatus: 400,
      signatureVerdict: "VALID",
      error: "body is not valid JSON",
      payload: null,
      matchedSecretId: expect.any(String),
    });
  });

  it("answers 400 for a payload of the wrong shape", async () => {
    const body = JSON.stringify({
      event_id: "e",
      type: "stock.changed",
      occurred_at: "2026-11-22T10:15:00Z",
      data: { sam_id: 1, stock: "lots", status: "sold", reason: "sale" },
    });
    const answer = await post("SAM", body, { "x-sam-signature": hmac(SECRETS.SAM, body, "hex") });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatch(/data\.stock/);
  });

  it("answers 400, not a database error, for valid JSON holding NUL or an unpaired surrogate", async () => {
    for (const body of [
      '{"event_id":"evt_\\u0000","type":"stock.changed"}',
      '{"event_id":"evt_\\ud800","type":"stock.changed"}',
    ]) {
      const answer = await post("SAM", body, { "x-sam-signature": hmac(SECRETS.SAM, body, "hex") });
      expect(answer.status).toBe(400);
      expect(await lastEvent()).toMatchObject({ status: "REJECTED", responseStatus: 400, payload: null });
    }
  });

  it("answers 400 for valid JSON nested 200,000 levels deep, or an array of 400,000 items", async () => {
    for (const body of [`${"[".repeat(200_000)}${"]".repeat(200_000)}`, `[${"1,".repeat(399_999)}1]`]) {
      const answer = await post("SAM", body, { "x-sam-signature": hmac(SECRETS.SAM, body, "hex") });
      expect(answer.status).toBe(400);
    }
  });

  it("answers 404 for a tenant slug or connection id holding NUL, without asking the database", async () => {
    // A database that records every use: the path check must answer before anything reaches it.
    const asked: string[] = [];
    const database = new Proxy({} as IngestDeps["prisma"], {
      get: (_target, property) => {
        asked.push(String(property));
        throw new Error(`asked the database (${String(property)})`);
      },
    });
    Object.assign(deps, {
      prisma: database,
      connections: new ConnectionDirectory(database, () => clock.getTime()),
      secrets: new SigningSecretCache(
        database,
        () => keyring,
        () => clock.getTime(),
      ),
    });
    const answers = await Promise.all([
      post("SAM", SAM_BODY, {}, { slug: "a\u0000b" }),
      post("SAM", SAM_BODY, {}, { connectionId: "\u0000" }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([404, 404]);
    expect(asked).toEqual([]);
  });

  it("answers 415 for a wrong content type", async () => {
    const answer = await ingestWebhook(deps, {
      tenantSlug: tenant.tenant.slug,
      connectionId: connections.SAM,
      headers: new Headers({ "content-type": "text/xml", "x-sam-signature": SAM_SIGNATURE }),
      query: new URLSearchParams(),
      contentLength: SAM_BODY.length,
      sourceAddress: PLATFORM_ADDRESS,
      readBody: async () => Buffer.from(SAM_BODY),
    });
    expect(answer.status).toBe(415);
  });

  it("answers 429 with Retry-After when a connection exceeds its rate limit", async () => {
    deps.rateLimiter = new RateLimiter(1, 2, () => clock.getTime());
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE });
    expect(limited.headers?.["retry-after"]).toBe("1");
  });

  it("stores a quiet tenant's verified delivery through the fast path's pool; a busy tenant's and a forgery's never", async () => {
    const used: string[] = [];
    const quietPool = new Proxy(database.prisma, {
      get: (target, property, receiver) => (used.push(String(property)), Reflect.get(target, property, receiver)),
    });
    let quiet = true;
    deps.quietStore = { isQuiet: () => quiet, prisma: quietPool };
    const sam = (eventId: string) => {
      const body = SAM_BODY.replace("evt_1001", eventId);
      return [body, { "x-sam-signature": hmac(SECRETS.SAM, body, "hex") }] as const;
    };

    expect((await post("SAM", ...sam("evt_quiet"))).status).toBe(200);
    expect(used).not.toEqual([]);
    expect(await lastEvent()).toMatchObject({ deliveryId: "evt_quiet", status: "QUEUED" });

    used.length = 0;
    const [forged] = sam("evt_forged");
    expect((await post("SAM", forged, { "x-sam-signature": "0".repeat(64) })).status).toBe(401);
    expect(used).toEqual([]);

    quiet = false;
    clock = new Date(clock.getTime() + 10_000);
    expect((await post("SAM", ...sam("evt_busy"))).status).toBe(200);
    expect(used).toEqual([]);
    expect(await lastEvent()).toMatchObject({ deliveryId: "evt_busy", status: "QUEUED" });
  });

  it("answers 404 with no detail for an unknown or mismatched tenant and connection", async () => {
    const other = await createTenantFixture(database.prisma, "other");
    const mismatched = await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE }, { slug: other.tenant.slug });
    const unknown = await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE }, { connectionId: "nope" });
    expect([mismatched.status, unknown.status]).toEqual([404, 404]);
    expect(mismatched.body).toBe(unknown.body);
  });

  it("answers 404 when the connection's webhooks are disabled", async () => {
    await database.prisma.connection.update({ where: { id: connections.SAM }, data: { webhooksEnabled: false } });
    try {
      expect((await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE })).status).toBe(404);
    } finally {
      await database.prisma.connection.update({ where: { id: connections.SAM }, data: { webhooksEnabled: true } });
    }
  });
});

describe("connection lookups", () => {
  it("looks a connection up again after 5 seconds, or at once when this process forgets it", async () => {
    const signed = { "x-sam-signature": SAM_SIGNATURE };
    expect((await post("SAM", SAM_BODY, signed)).status).toBe(200);
    await database.prisma.connection.update({ where: { id: connections.SAM }, data: { webhooksEnabled: false } });
    try {
      deps.connections.forget(connections.SAM);
      clock = new Date(clock.getTime() + 6_000);
      expect((await post("SAM", SAM_BODY, signed)).status).toBe(404);
      await database.prisma.connection.update({ where: { id: connections.SAM }, data: { webhooksEnabled: true } });
      clock = new Date(clock.getTime() + 6_000);
      expect((await post("SAM", SAM_BODY, signed)).status).toBe(200);
      // Disabled elsewhere (no forget): refused once the 5 seconds are up.
      await database.prisma.connection.update({ where: { id: connections.SAM }, data: { webhooksEnabled: false } });
      clock = new Date(clock.getTime() + 5_001);
      expect((await post("SAM", SAM_BODY, signed)).status).toBe(404);
    } finally {
      await database.prisma.connection.update({ where: { id: connections.SAM }, data: { webhooksEnabled: true } });
    }
  });
});

describe("handing over to the pipeline", () => {
  it("answers once the event is stored and hands it over afterwards when given a way to defer", async () => {
    const deferred: (() => Promise<void>)[] = [];
    deps.defer = (task) => void deferred.push(task);
    const answer = await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE });
    expect(answer.status).toBe(200);
    expect(await lastEvent()).toMatchObject({ id: JSON.parse(answer.body).id, status: "QUEUED" });
    expect(sent).toEqual([]);
    await Promise.all(deferred.map((task) => task()));
    expect(sent).toEqual([expect.objectContaining({ webhookEventId: JSON.parse(answer.body).id })]);
  });
});

describe("handshakes and pings", () => {
  it("echoes Business Central's validation token as text/plain while a subscription is being made", async () => {
    await database.prisma.connection.update({
      where: { id: connections.BUSINESS_CENTRAL },
      data: { subscriptionHandshakeUntil: new Date(clock.getTime() + 60_000) },
    });
    const answer = await post("BUSINESS_CENTRAL", "", {}, { query: "validationToken=abc-123" });
    await database.prisma.connection.update({
      where: { id: connections.BUSINESS_CENTRAL },
      data: { subscriptionHandshakeUntil: null },
    });
    expect(answer).toMatchObject({ status: 200, body: "abc-123", contentType: "text/plain" });
    // Anyone can send a handshake: it is answered but not counted as a delivery.
    expect(answer.headers?.[STORED_DELIVERY_HEADER]).toBeUndefined();
    expect(await lastEvent()).toMatchObject({ status: "SKIPPED", signatureVerdict: "NOT_REQUIRED" });
  });

  it("refuses the handshake when no subscription is being made or renewed: the token is not echoed (issue 17, item 13)", async () => {
    const payload = "<script>alert(1)</script>";
    const answer = await post("BUSINESS_CENTRAL", "", {}, { query: `validationToken=${encodeURIComponent(payload)}` });
    expect(answer.status).toBe(400);
    expect(answer.body).not.toContain(payload);
    // A window that has passed is closed too.
    await database.prisma.connection.update({
      where: { id: connections.BUSINESS_CENTRAL },
      data: { subscriptionHandshakeUntil: new Date(clock.getTime() - 1) },
    });
    expect((await post("BUSINESS_CENTRAL", "", {}, { query: "validationToken=late" })).status).toBe(400);
  });

  it("never echoes a validation token on another platform's connection, even with a window set", async () => {
    await database.prisma.connection.update({
      where: { id: connections.SAM },
      data: { subscriptionHandshakeUntil: new Date(clock.getTime() + 60_000) },
    });
    const answer = await post("SAM", "", {}, { query: "validationToken=abc-123" });
    expect(answer.status).not.toBe(200);
    expect(answer.body).not.toBe("abc-123");
  });

  it("answers WooCommerce's creation ping without treating it as stock", async () => {
    const answer = await post("WOOCOMMERCE", "webhook_id=17", { "content-type": "application/x-www-form-urlencoded" });
    expect(answer.status).toBe(200);
    expect(sent).toEqual([]);
  });
});

describe("dedup", () => {
  it("processes a provider delivery id once, however often it is retried", async () => {
    const body = JSON.stringify({
      event_id: "evt_dup_1",
      type: "stock.changed",
      occurred_at: "2026-11-22T10:15:00Z",
      data: { sam_id: 1, stock: 0, status: "sold", reason: "sale" },
    });
    const signature = hmac(SECRETS.SAM, body, "hex");
    const first = await post("SAM", body, { "x-sam-signature": signature });
    clock = new Date(clock.getTime() + 47 * 3_600_000);
    const retry = await post("SAM", body, { "x-sam-signature": signature });
    expect(first.status).toBe(200);
    expect(JSON.parse(retry.body)).toMatchObject({ status: "DUPLICATE", duplicateOf: JSON.parse(first.body).id });
    // Nor does a retry of what is already stored, as the app's own lanes do not count it.
    expect(retry.headers?.[STORED_DELIVERY_HEADER]).toBeUndefined();
    expect(sent).toHaveLength(1);
    // The duplicate is logged, finished and without a payload of its own.
    expect(await lastEvent()).toMatchObject({
      status: "DUPLICATE",
      action: `duplicate of ${JSON.parse(first.body).id}`,
      completedAt: clock,
      payload: null,
      deliveryId: "evt_dup_1",
    });
  });

  it("processes identical payloads inside 5 seconds once, even when sent concurrently", async () => {
    // Business Central's notifications carry no delivery id: the 5-second window is their dedup.
    const body = JSON.stringify({
      value: [
        {
          subscriptionId: "sub-1",
          clientState: BC_CLIENT_STATE,
          resource:
            "api/v2.0/companies(7a1e2c55-0000-4000-8000-000000000001)/items(5d115c9c-44e3-ea11-bb43-000000000042)",
          changeType: "updated",
          lastModifiedDateTime: "2026-11-22T10:15:00Z",
        },
      ],
    });
    const answers = await Promise.all(Array.from({ length: 5 }, () => post("BUSINESS_CENTRAL", body, {})));
    expect(answers.map((a) => JSON.parse(a.body).status).sort()).toEqual([
      "DUPLICATE",
      "DUPLICATE",
      "DUPLICATE",
      "DUPLICATE",
      "QUEUED",
    ]);
    expect(sent).toHaveLength(1);
    clock = new Date(clock.getTime() + 6_000);
    expect(JSON.parse((await post("BUSINESS_CENTRAL", body, {})).body).status).toBe("QUEUED");
  });

  it("honours different payloads for the same item inside the window", async () => {
    const bodies = [3, 2].map((available, i) =>
      JSON.stringify({ inventory_item_id: 9, location_id: 2, available, updated_at: `2026-11-22T10:15:0${i}Z` }),
    );
    for (const body of bodies) {
      await post("SHOPIFY", body, {
        "x-shopify-hmac-sha256": hmac(SECRETS.SHOPIFY, body, "base64"),
        "x-shopify-topic": "inventory_levels/update",
      });
    }
    expect(sent).toHaveLength(2);
  });
});

describe("secret rotation", () => {
  it("keeps the previous secret valid for the grace period, records which matched, then refuses it", async () => {
    const db = scopeToTenant(database.prisma, tenant.tenant.id);
    const woo = connections.WOOCOMMERCE;
    const before = await database.prisma.secret.findFirstOrThrow({ where: { connectionId: woo } });
    const rotated = await rotateSigningSecret(db, woo, { graceHours: 24, now: clock }, keyring);
    const headers = { "x-wc-webhook-topic": "product.updated" };

    expect(
      (
        await post("WOOCOMMERCE", WOO_BODY, {
          ...headers,
          "x-wc-webhook-signature": WOO_SIGNATURE,
          "x-wc-webhook-delivery-id": "r1",
        })
      ).status,
    ).toBe(200);
    expect((await lastEvent()).matchedSecretId).toBe(before.id);
    const newSignature = hmac(rotated.plaintext, WOO_BODY, "base64");
    clock = new Date(clock.getTime() + 6_000);
    expect(
      (
        await post("WOOCOMMERCE", WOO_BODY, {
          ...headers,
          "x-wc-webhook-signature": newSignature,
          "x-wc-webhook-delivery-id": "r2",
        })
      ).status,
    ).toBe(200);
    expect((await lastEvent()).matchedSecretId).toBe(rotated.secret.id);

    clock = new Date(clock.getTime() + 25 * 3_600_000);
    expect(
      (
        await post("WOOCOMMERCE", WOO_BODY, {
          ...headers,
          "x-wc-webhook-signature": WOO_SIGNATURE,
          "x-wc-webhook-delivery-id": "r3",
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await post("WOOCOMMERCE", WOO_BODY, {
          ...headers,
          "x-wc-webhook-signature": newSignature,
          "x-wc-webhook-delivery-id": "r4",
        })
      ).status,
    ).toBe(200);
  });
});

describe("secret revocation", () => {
  it("refuses a revoked signing secret once its cache window has passed, even when another instance revoked it", async () => {
    const db = scopeToTenant(database.prisma, tenant.tenant.id);
    const extra = await storeSecret(
      db,
      {
        connectionId: connections.SAM,
        purpose: "WEBHOOK_SIGNING",
        label: "to revoke",
        plaintext: "sam-secret-to-revoke",
      },
      keyring,
    );
    const signedWithExtra = (eventId: string) => {
      const body = SAM_BODY.replace(/"event_id":"[^"]*"/, `"event_id":"${eventId}"`);
      return post("SAM", body, { "x-sam-signature": hmac("sam-secret-to-revoke", body, "hex") });
    };
    expect((await signedWithExtra("rev-1")).status).toBe(200);
    expect((await lastEvent()).matchedSecretId).toBe(extra.id);
    // Revoked in the database, as the dashboard served by another instance does: this process's
    // cache is not told, and may accept the secret until its entry expires.
    await db.secret.updateMany({ where: { id: extra.id }, data: { revokedAt: clock } });
    clock = new Date(clock.getTime() + SECRET_CACHE_TTL_MS);
    expect((await signedWithExtra("rev-2")).status).toBe(401);
    expect((await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE })).status).toBe(200);
  });
});

describe("when Inngest is unreachable", () => {
  it("still acknowledges and stores the event as QUEUED for the sweeper", async () => {
    deps.sendEvent = async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:8288");
    };
    const body = JSON.stringify({
      event_id: "evt_offline",
      type: "stock.changed",
      occurred_at: "2026-11-22T10:15:00Z",
      data: { sam_id: 5, stock: 1, status: "available", reason: "restock" },
    });
    const answer = await post("SAM", body, { "x-sam-signature": hmac(SECRETS.SAM, body, "hex") });
    expect(answer.status).toBe(200);
    expect(await lastEvent()).toMatchObject({ status: "QUEUED", sentAt: null });
  });
});

/*
 * The attacks of issue 17 (items 5, 6 and 14), each written as the attacker would try it. On the
 * code before the fix every refused request wrote a row, a forged signature re-read the secrets,
 * forgeries raised the "different secret" alert, and a replayed Shopify/WooCommerce body under a
 * fresh delivery id was queued again.
 */
describe("a stranger flooding the webhook URL", () => {
  const forged = { "x-sam-signature": "0".repeat(64) };
  // Unauthenticated refusals only: signed ones (400s) are the platform's and always kept.
  const rejectedRows = () =>
    database.prisma.webhookEvent.count({
      where: { connectionId: connections.SAM, status: "REJECTED", signatureVerdict: { not: "VALID" } },
    });
  const counted = async () =>
    (
      await database.prisma.webhookRejection.aggregate({
        where: { connectionId: connections.SAM },
        _sum: { count: true },
      })
    )._sum.count ?? 0;

  it("leaves a bounded number of rows for 1,000 forged requests from 1,000 addresses, and counts every one", async () => {
    const countedBefore = await counted();
    const counters = await database.prisma.webhookRejection.count({ where: { connectionId: connections.SAM } });
    for (let start = 0; start < 1_000; start += 10) {
      // One second per request: the flood spans 17 minutes of the counters.
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, offset) =>
          post("SAM", `{"event_id":"forged-${start + offset}"}`, forged, {
            from: `198.51.${(start + offset) >> 8}.${(start + offset) & 255}`,
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(401));
      clock = new Date(clock.getTime() + 10_000);
    }
    // A sample for the timeline that never grows past its bound…
    expect(await rejectedRows()).toBeLessThanOrEqual(REJECTION_SAMPLES_KEPT);
    expect(await rejectedRows()).toBeGreaterThan(0);
    // …and one counter row per minute (and answer and verdict) that counts every request.
    expect(await counted()).toBe(countedBefore + 1_000);
    expect(
      await database.prisma.webhookRejection.count({ where: { connectionId: connections.SAM } }),
    ).toBeLessThanOrEqual(counters + 18);
  });

  it("does not read and decrypt the secrets again for every forged signature", async () => {
    let secretReads = 0;
    deps.secrets = new SigningSecretCache(
      database.prisma,
      () => (secretReads++, keyring),
      () => clock.getTime(),
    );
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post("SAM", `{"n":${i}}`, forged, { from: `192.0.2.${i % 250}` })),
    );
    expect(answers.every((answer) => answer.status === 401)).toBe(true);
    // Concurrent first requests may each load once; after that, at most one refresh per 5 s.
    const afterBurst = secretReads;
    expect(afterBurst).toBeLessThanOrEqual(200);
    for (let i = 0; i < 100; i++) await post("SAM", `{"m":${i}}`, forged, { from: "192.0.2.77" });
    expect(secretReads - afterBurst).toBeLessThanOrEqual(1);
    // A secret rotated elsewhere is still picked up once the refresh interval has passed.
    clock = new Date(clock.getTime() + 6_000);
    expect((await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE })).status).toBe(200);
  });

  it("writes nothing for a 429, and checks the rate limit before the declared size", async () => {
    deps.rateLimiter = new RateLimiter(1, 1, () => clock.getTime());
    expect((await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE })).status).toBe(200);
    const rows = await database.prisma.webhookEvent.count({ where: { tenantId: tenant.tenant.id } });
    const countedBefore = await counted();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => post("SAM", Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), forged)),
    );
    expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([429]));
    expect(await database.prisma.webhookEvent.count({ where: { tenantId: tenant.tenant.id } })).toBe(rows);
    expect(await counted()).toBe(countedBefore);
  });

  it("refuses an address over its own limit before looking the connection up, without affecting other senders", async () => {
    deps.sourceLimiter = new RateLimiter(1, 2, () => clock.getTime());
    let lookups = 0;
    const find = deps.connections.find.bind(deps.connections);
    deps.connections.find = (slug, id) => (lookups++, find(slug, id));
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await post("SAM", SAM_BODY, forged, { from: "198.51.100.7", connectionId: `unknown-${i}` })).status,
      );
    expect(statuses).toEqual([404, 404, 429, 429, 429]);
    expect(lookups).toBe(2);
    expect((await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE })).status).toBe(200);
  });

  it("turns an address away after its refusals run out, with 429s that write nothing", async () => {
    deps.rejectionLimiter = new RateLimiter(5 / 60, 5, () => clock.getTime());
    const statuses = [];
    for (let i = 0; i < 8; i++)
      statuses.push((await post("SAM", `{"x":${i}}`, forged, { from: "198.51.100.99" })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // The platform, sending from its own address, is not held back by someone else's refusals.
    expect((await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE })).status).toBe(200);
  });

  it("cannot raise the 'signing with a different secret' alert with forgeries; the platform's own failures do", async () => {
    const db = scopeToTenant(database.prisma, tenant.tenant.id);
    const streak = async () =>
      (await connectionHealth(db, [connections.SAM], clock)).get(connections.SAM)!.signatureMismatchStreak;
    // The platform delivers validly from its address: that address becomes known.
    expect((await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE })).status).toBe(200);
    clock = new Date(clock.getTime() + 1_000);
    for (let i = 0; i < 30; i++)
      expect((await post("SAM", `{"forged":${i}}`, forged, { from: `198.51.100.${i}` })).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await post("SAM", `{"anon":${i}}`, forged, { from: null })).status).toBe(401);
    expect(await streak()).toBe(0);
    // The secret changed on the platform's side: its own deliveries now fail.
    for (let i = 0; i < 3; i++) expect((await post("SAM", `{"platform":${i}}`, forged)).status).toBe(401);
    expect(await streak()).toBe(3);
    // A valid delivery ends the streak.
    clock = new Date(clock.getTime() + 60_000);
    expect((await post("SAM", SAM_BODY, { "x-sam-signature": SAM_SIGNATURE })).status).toBe(200);
    clock = new Date(clock.getTime() + 60_000);
    expect(await streak()).toBe(0);
  });

  it("still shows refused requests in the connection's health", async () => {
    const db = scopeToTenant(database.prisma, tenant.tenant.id);
    const before = (await connectionHealth(db, [connections.SAM], clock)).get(connections.SAM)!.rejectedEvents24h;
    for (let i = 0; i < 4; i++) await post("SAM", `{"h":${i}}`, forged, { from: `198.51.100.${i}` });
    await post("SAM", Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), forged);
    expect((await connectionHealth(db, [connections.SAM], clock)).get(connections.SAM)!.rejectedEvents24h).toBe(
      before + 5,
    );
  });
});

describe("replays of deliveries without a signed timestamp", () => {
  const shopifyBody = JSON.stringify({
    inventory_item_id: 77,
    location_id: 2,
    available: 9,
    updated_at: "2026-11-22T10:15:00Z",
  });
  const shopifyHeaders = (id: string) => ({
    "x-shopify-hmac-sha256": hmac(SECRETS.SHOPIFY, shopifyBody, "base64"),
    "x-shopify-topic": "inventory_levels/update",
    "x-shopify-webhook-id": `wh-${id}`,
    "x-shopify-event-id": `ev-${id}`,
  });

  it("answers a captured Shopify body replayed under a fresh delivery id as DUPLICATE for 72 hours", async () => {
    const first = await post("SHOPIFY", shopifyBody, shopifyHeaders("original"));
    expect(JSON.parse(first.body).status).toBe("QUEUED");
    clock = new Date(clock.getTime() + 3 * 3_600_000);
    const replay = await post("SHOPIFY", shopifyBody, shopifyHeaders("attacker-1"));
    expect(JSON.parse(replay.body)).toMatchObject({ status: "DUPLICATE", duplicateOf: JSON.parse(first.body).id });
    clock = new Date(clock.getTime() + 68 * 3_600_000);
    expect(JSON.parse((await post("SHOPIFY", shopifyBody, shopifyHeaders("attacker-2"))).body).status).toBe(
      "DUPLICATE",
    );
    expect(sent).toHaveLength(1);
    // Past the window the body is a new delivery again (its stale sourceAt stops it from applying).
    clock = new Date(clock.getTime() + 2 * 3_600_000);
    expect(JSON.parse((await post("SHOPIFY", shopifyBody, shopifyHeaders("late"))).body).status).toBe("QUEUED");
  });

  it("answers a replayed WooCommerce body under a fresh X-WC-Webhook-Delivery-ID as DUPLICATE", async () => {
    // The rotation test above replaced the fixture's secret: sign with whichever is current.
    const [current] = await deps.secrets.forConnection(tenant.tenant.id, connections.WOOCOMMERCE);
    const headers = (id: string) => ({
      "x-wc-webhook-signature": hmac(current!.value, WOO_BODY, "base64"),
      "x-wc-webhook-topic": "product.updated",
      "x-wc-webhook-delivery-id": id,
    });
    expect(JSON.parse((await post("WOOCOMMERCE", WOO_BODY, headers("9001"))).body).status).toBe("QUEUED");
    clock = new Date(clock.getTime() + 3_600_000);
    expect(JSON.parse((await post("WOOCOMMERCE", WOO_BODY, headers("9002"))).body).status).toBe("DUPLICATE");
  });

  it("keeps one QUEUED and four DUPLICATE when five copies under five delivery ids arrive at once", async () => {
    const answers = await Promise.all(
      ["a", "b", "c", "d", "e"].map((id) => post("SHOPIFY", shopifyBody, shopifyHeaders(`concurrent-${id}`))),
    );
    expect(answers.map((a) => JSON.parse(a.body).status).sort()).toEqual([
      "DUPLICATE",
      "DUPLICATE",
      "DUPLICATE",
      "DUPLICATE",
      "QUEUED",
    ]);
    expect(sent).toHaveLength(1);
  });

  it("takes X-Shopify-Event-Id as the event id, and X-Shopify-Webhook-Id when it is absent", async () => {
    const body = JSON.stringify({
      inventory_item_id: 78,
      location_id: 2,
      available: 1,
      updated_at: "2026-11-22T10:16:00Z",
    });
    const signature = hmac(SECRETS.SHOPIFY, body, "base64");
    await post("SHOPIFY", body, {
      "x-shopify-hmac-sha256": signature,
      "x-shopify-topic": "inventory_levels/update",
      "x-shopify-webhook-id": "wh-only-webhook",
      "x-shopify-event-id": "ev-78",
    });
    expect((await lastEvent()).deliveryId).toBe("ev-78");
    clock = new Date(clock.getTime() + 4 * 86_400_000);
    await post("SHOPIFY", body, {
      "x-shopify-hmac-sha256": signature,
      "x-shopify-topic": "inventory_levels/update",
      "x-shopify-webhook-id": "wh-only-webhook",
    });
    expect((await lastEvent()).deliveryId).toBe("wh-only-webhook");
  });

  it("keeps the short window only for providers whose signature covers a timestamp or whose payload names the event", async () => {
    const body = JSON.stringify({ type: "stock.changed", data: { external_id: "X-9", quantity: 2, reason: "sale" } });
    expect(JSON.parse((await post("STANDARD_WEBHOOKS", body, standardSigned(body))).body).status).toBe("QUEUED");
    clock = new Date(clock.getTime() + 60_000);
    // A new message id needs a new signature: this is the platform sending again, not a replay.
    expect(JSON.parse((await post("STANDARD_WEBHOOKS", body, standardSigned(body))).body).status).toBe("QUEUED");
  });
});

describe("slow bodies", () => {
  it("answers 408 when the body does not arrive within the deadline, and counts it", async () => {
    deps.bodyTimeoutMs = 1_500;
    let deadlineGiven = 0;
    const answer = await ingestWebhook(deps, {
      tenantSlug: tenant.tenant.slug,
      connectionId: connections.SAM,
      headers: new Headers({ "content-type": "application/json", "x-sam-signature": SAM_SIGNATURE }),
      query: new URLSearchParams(),
      contentLength: 1_000,
      sourceAddress: "198.51.100.200",
      readBody: async (_limit, timeoutMs) => ((deadlineGiven = timeoutMs), "timeout"),
    });
    expect(deadlineGiven).toBe(1_500);
    expect(answer.status).toBe(408);
    const row = await database.prisma.webhookRejection.findFirstOrThrow({
      where: { connectionId: connections.SAM, responseStatus: 408 },
    });
    expect(row).toMatchObject({ signatureVerdict: "NOT_CHECKED", count: 1 });
  });
});
