import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Provider } from "@/generated/prisma/client";
import { generateKeyringEntry, parseKeyring } from "@/server/crypto/secret-box";
import { storeSecret } from "@/server/crypto/secret-store";
import { ConnectionDirectory } from "@/server/inbound/connection-directory";
import { ingestWebhook, type IngestDeps } from "@/server/inbound/ingest";
import { KnownSourceAddresses } from "@/server/inbound/known-sources";
import { webhookProviders } from "@/server/inbound/providers";
import { RateLimiter } from "@/server/inbound/rate-limiter";
import { SigningSecretCache } from "@/server/inbound/signing-secrets";
import { grantWriteAccess, startImpersonation } from "@/server/support/impersonation";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { callerFor, createStaffUser, createTenantFixture, errorOf, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { NO_EXACT_REPLAY } from "./replay-command";

/*
 * Proves "Copy as curl" replays the delivery exactly: each delivery goes in through the real
 * ingest (verified, stored), the command `event.replayCommand` returns is run by the real curl
 * against a capturing server, and what curl sent is handed to the ingest again — whose verifier
 * finds the signature VALID (answered as a duplicate), while the same request with one body byte
 * changed is refused 401. Signatures are made here with node:crypto / standardwebhooks.
 */
const run = promisify(execFile);
const keyring = parseKeyring(generateKeyringEntry("test"));
const STANDARD_SECRET = `whsec_${Buffer.from("standard-webhooks-test-key-32byt").toString("base64")}`;
const SECRETS: Record<Provider, string> = {
  SAM: "sam-shared-secret",
  SHOPIFY: "shpss_app_secret",
  WOOCOMMERCE: "woo-webhook-secret",
  BIGCOMMERCE: "bigcommerce-custom-header-token",
  BUSINESS_CENTRAL: "bc-client-state-secret",
  STANDARD_WEBHOOKS: STANDARD_SECRET,
};
const clock = new Date(Date.UTC(2030, 5, 1, 12));
const hmac = (secret: string, body: string, encoding: "hex" | "base64") =>
  createHmac("sha256", secret).update(body, "utf8").digest(encoding);

/** Pretty-printed, with a quote, a non-ASCII name and a trailing newline: bytes a re-serialisation would change. */
let samSequence = 0;
const samBody = () =>
  `{\n  "event_id": "evt_${++samSequence}",\n  "type": "stock.changed",\n  "occurred_at": "2030-06-01T11:00:00Z",\n  "data": {"sam_id": 1007, "sku": "ART-0007", "title": "Kite’s 'blue' — 🪁", "stock": 0, "status": "sold", "reason": "sale"}\n}\n`;

const deliveries: Record<
  "SAM" | "SHOPIFY" | "WOOCOMMERCE" | "STANDARD_WEBHOOKS" | "BIGCOMMERCE" | "BUSINESS_CENTRAL",
  () => { body: string; headers: Record<string, string>; bodySigned: boolean }
> = {
  SAM: () => {
    const body = samBody();
    return {
      body,
      headers: { "x-sam-signature": hmac(SECRETS.SAM, body, "hex"), "x-sam-event": "stock.changed" },
      bodySigned: true,
    };
  },
  SHOPIFY: () => {
    const body =
      '{"inventory_item_id":44000007,"location_id":905684977,"available":0,"updated_at":"2030-06-01T10:15:00-05:00"}';
    return {
      body,
      headers: {
        "x-shopify-hmac-sha256": hmac(SECRETS.SHOPIFY, body, "base64"),
        "x-shopify-topic": "inventory_levels/update",
        "x-shopify-webhook-id": "wh-replay-1",
        "x-shopify-event-id": "ev-replay-1",
      },
      bodySigned: true,
    };
  },
  WOOCOMMERCE: () => {
    const body =
      '{"id":507,"name":"Red Kite 1","sku":"ART-0007","status":"publish","manage_stock":true,"stock_quantity":0,"stock_status":"outofstock","date_modified_gmt":"2030-06-01T10:15:00"}';
    return {
      body,
      headers: {
        "x-wc-webhook-signature": hmac(SECRETS.WOOCOMMERCE, body, "base64"),
        "x-wc-webhook-topic": "product.updated",
        "x-wc-webhook-delivery-id": "d-replay-1",
      },
      bodySigned: true,
    };
  },
  STANDARD_WEBHOOKS: () => {
    const body = JSON.stringify({ type: "stock.changed", data: { external_id: "X-1", quantity: 2, reason: "sale" } });
    const signature = new Webhook(STANDARD_SECRET).sign("msg_replay_1", clock, body);
    return {
      body,
      headers: {
        "webhook-id": "msg_replay_1",
        "webhook-timestamp": String(Math.floor(clock.getTime() / 1000)),
        "webhook-signature": signature,
      },
      bodySigned: true,
    };
  },
  // A token header and a secret in the body: the platform signs no body, so only VALID is checked.
  BIGCOMMERCE: () => ({
    body: JSON.stringify({
      scope: "store/product/inventory/updated",
      store_id: "1025646",
      data: { type: "product", id: 187, inventory: { product_id: 187, method: "absolute", value: 3 } },
      hash: "h-replay",
      created_at: 1_795_000_000,
      producer: "stores/abc123",
    }),
    headers: { "x-stockhook-token": SECRETS.BIGCOMMERCE },
    bodySigned: false,
  }),
  BUSINESS_CENTRAL: () => ({
    body: JSON.stringify({
      value: [
        {
          subscriptionId: "sub-1",
          clientState: SECRETS.BUSINESS_CENTRAL,
          resource: `api/v2.0/companies(7a1e2c55-0000-4000-8000-000000000001)/items(5d115c9c-44e3-ea11-bb43-${String(++samSequence).padStart(12, "0")})`,
          changeType: "updated",
          lastModifiedDateTime: "2030-06-01T10:15:00Z",
        },
      ],
    }),
    headers: {},
    bodySigned: false,
  }),
};

let database: TestDatabase;
let tenant: TenantFixture;
let viewer: { id: string };
let other: TenantFixture;
const connections = {} as Record<Provider, string>;
let deps: IngestDeps;
const captured: { headers: [string, string][]; body: Buffer }[] = [];
const capture = createServer((request: IncomingMessage, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const pairs: [string, string][] = [];
    for (let i = 0; i < request.rawHeaders.length; i += 2)
      pairs.push([request.rawHeaders[i]!.toLowerCase(), request.rawHeaders[i + 1]!]);
    captured.push({ headers: pairs, body: Buffer.concat(chunks) });
    response.end("ok");
  });
});
let target = "";

function ingest(provider: Provider, headers: Headers, body: Buffer) {
  return ingestWebhook(deps, {
    tenantSlug: tenant.tenant.slug,
    connectionId: connections[provider],
    headers,
    query: new URLSearchParams(),
    contentLength: body.length,
    sourceAddress: "203.0.113.10",
    readBody: async () => body,
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  tenant = await createTenantFixture(database.prisma, "replay");
  other = await createTenantFixture(database.prisma, "intruder");
  viewer = await database.prisma.user.create({
    data: { email: "viewer@replay.test", name: "Viewer", emailVerifiedAt: new Date() },
  });
  await database.prisma.membership.create({ data: { tenantId: tenant.tenant.id, userId: viewer.id, role: "VIEWER" } });
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
    sendEvent: async () => undefined,
    now: () => clock,
    log: () => undefined,
  };
  await new Promise<void>((resolve) => capture.listen(0, "127.0.0.1", resolve));
  target = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/replay?from=stockhook`;
});
afterAll(async () => {
  capture.close();
  await database?.close();
});

async function accepted(provider: keyof typeof deliveries) {
  const { body, headers, bodySigned } = deliveries[provider]();
  const sent = new Headers({
    "content-type": "application/json",
    "user-agent": `${provider}-Hookshot/1.0`,
    "x-forwarded-for": "203.0.113.10",
    host: "stockhook.example",
    ...headers,
  });
  const answer = await ingest(provider, sent, Buffer.from(body, "utf8"));
  expect(answer.status, answer.body).toBe(200);
  const { id } = JSON.parse(answer.body) as { id: string };
  return { id, body, headers, bodySigned };
}

const owner = () => callerFor(database.prisma, tenant.user.id, tenant.tenant.slug);

describe.each(Object.keys(deliveries) as (keyof typeof deliveries)[])("copy as curl for %s", (provider) => {
  it("stores the request as sent, and its curl replays it with a signature the verifier finds VALID", async () => {
    const delivery = await accepted(provider);
    const row = await database.prisma.webhookEvent.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(Buffer.from(row.rawBody!).toString("utf8")).toBe(delivery.body);
    expect(row.requestHeaders).toMatchObject({ ...delivery.headers, "content-type": "application/json" });
    // Added in front of the app, or describing one hop: never the platform's.
    expect(row.requestHeaders).not.toHaveProperty("x-forwarded-for");
    expect(row.requestHeaders).not.toHaveProperty("host");

    const { command, shown } = await owner().event.replayCommand({ id: delivery.id, url: target });
    for (const secretHeader of Object.keys(delivery.headers).filter((name) => /signature|hmac|token/.test(name))) {
      expect(command).toContain(delivery.headers[secretHeader]);
      expect(shown).not.toContain(delivery.headers[secretHeader]);
    }
    captured.length = 0;
    await run("bash", ["-c", command]);
    const [replayed] = captured;
    expect(replayed!.body.equals(Buffer.from(delivery.body, "utf8"))).toBe(true);

    const replayedHeaders = new Headers(replayed!.headers.filter(([name]) => name !== "host"));
    const secrets = [{ id: "s", value: SECRETS[provider] }];
    const raw = { headers: replayedHeaders, body: replayed!.body, query: new URLSearchParams(), receivedAt: clock };
    expect(webhookProviders[provider].verify(raw, secrets).verdict).toBe("VALID");
    // Through the whole front door: the signature passes, and the copy is recognised as the same delivery.
    const again = await ingest(provider, replayedHeaders, replayed!.body);
    expect([again.status, JSON.parse(again.body).status]).toEqual([200, "DUPLICATE"]);

    if (delivery.bodySigned) {
      const tampered = Buffer.from(replayed!.body);
      tampered[2] = tampered[2]! ^ 1; // a letter of the first key: still JSON, no longer what was signed
      expect(webhookProviders[provider].verify({ ...raw, body: tampered }, secrets).verdict).toBe("INVALID");
      expect((await ingest(provider, replayedHeaders, tampered)).status).toBe(401);
    }
  });
});

describe("who may read the signed request", () => {
  it("the drawer's detail masks the signature and any secret in the body; the copy is audited", async () => {
    const sam = await accepted("SAM");
    const detail = await owner().event.byId({ id: sam.id });
    const text = JSON.stringify(detail);
    expect(text).not.toContain(sam.headers["x-sam-signature"]);
    expect(detail.headers["x-sam-signature"]).toMatch(/masked/);
    expect(detail.request?.body).toBe(sam.body);
    expect(detail).not.toHaveProperty("payload");

    const bc = await accepted("BUSINESS_CENTRAL");
    const bcDetail = await owner().event.byId({ id: bc.id });
    expect(JSON.stringify(bcDetail)).not.toContain(SECRETS.BUSINESS_CENTRAL);
    expect(bcDetail.request).toMatchObject({ bodyMasked: true, bodyBytes: Buffer.byteLength(bc.body) });

    const before = await database.prisma.auditLog.count({ where: { action: "event.replayCommand" } });
    await owner().event.replayCommand({ id: sam.id, url: "https://receiver.example/hooks" });
    const audit = await database.prisma.auditLog.findFirstOrThrow({
      where: { action: "event.replayCommand" },
      orderBy: { createdAt: "desc" },
    });
    expect(await database.prisma.auditLog.count({ where: { action: "event.replayCommand" } })).toBe(before + 1);
    expect(audit).toMatchObject({ tenantId: tenant.tenant.id, actorId: tenant.user.id, target: sam.id });
    expect(audit.summary).toEqual({ target: "https://receiver.example" });
  });

  it("refuses a viewer, another tenant's member and a support session (even with write access)", async () => {
    const sam = await accepted("SAM");
    const input = { id: sam.id, url: "https://receiver.example/hooks" };
    const auditsBefore = await database.prisma.auditLog.count({ where: { action: "event.replayCommand" } });
    const asViewer = await errorOf(
      callerFor(database.prisma, viewer.id, tenant.tenant.slug).event.replayCommand(input),
    );
    expect(asViewer?.code).toBe("FORBIDDEN");
    const intoVictim = await errorOf(
      callerFor(database.prisma, other.user.id, tenant.tenant.slug).event.replayCommand(input),
    );
    expect(intoVictim?.code).toBe("FORBIDDEN");
    const fromOwnTenant = await errorOf(
      callerFor(database.prisma, other.user.id, other.tenant.slug).event.replayCommand(input),
    );
    expect([fromOwnTenant?.code, fromOwnTenant?.message]).toEqual(["NOT_FOUND", "Event not found"]);

    const staff = await createStaffUser(database.prisma, "curl-reader");
    const session = await startImpersonation(database.prisma, {
      staffUserId: staff.id,
      tenantId: tenant.tenant.id,
      reason: "Tenant reports a signature problem",
      origin: {},
    });
    const admin = await createStaffUser(database.prisma, "curl-granter", "ADMIN");
    await grantWriteAccess(database.prisma, session.id, admin.id, {});
    const asSupport = await errorOf(
      callerFor(database.prisma, staff.id, tenant.tenant.slug, { impersonationId: session.id }).event.replayCommand(
        input,
      ),
    );
    expect(asSupport?.code).toBe("FORBIDDEN");
    for (const error of [asViewer, intoVictim, fromOwnTenant, asSupport])
      expect(error?.message).not.toContain(sam.headers["x-sam-signature"]);
    expect(await database.prisma.auditLog.count({ where: { action: "event.replayCommand" } })).toBe(auditsBefore);
  });

  it("says plainly that an event stored before the raw request was kept has no exact replay", async () => {
    const error = await errorOf(owner().event.replayCommand({ id: tenant.event.id, url: "https://receiver.example/" }));
    expect([error?.code, error?.message]).toEqual(["CONFLICT", NO_EXACT_REPLAY]);
    expect((await owner().event.byId({ id: tenant.event.id })).request).toBeNull();
  });

  it("refuses a target that is not an http(s) URL", async () => {
    const sam = await accepted("SAM");
    for (const url of ["file:///etc/passwd", "receiver.example/hooks", "javascript:alert(1)"]) {
      const error = await errorOf(owner().event.replayCommand({ id: sam.id, url }));
      expect(error?.code).toBe("BAD_REQUEST");
    }
  });
});
