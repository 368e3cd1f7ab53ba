import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTenantFixture, errorOf, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";

let database: TestDatabase;
let owner: TenantFixture;
const caller = () => callerFor(database.prisma, owner.user.id, owner.tenant.slug);

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await createTenantFixture(database.prisma, "dash");
});
afterAll(() => database?.close());

describe("connection wizard", () => {
  it("creates the connection with sealed secrets and shows the signing secret once", async () => {
    const created = await caller().connection.create({
      provider: "WOOCOMMERCE",
      direction: "CHANNEL",
      name: "Gift shop",
      baseUrl: "https://shop.example.com",
      syncSchedule: "H3",
      credentials: { consumerKey: "ck_1234567890", consumerSecret: "cs_abcdefghij" },
    });
    expect(created.signingSecret).toMatch(/^whsec_/);
    expect(created.webhookUrl).toBe(`https://stockhook.test/api/webhooks/${owner.tenant.slug}/${created.id}`);
    const detail = await caller().connection.byId({ id: created.id });
    expect(detail.secrets.map((s) => s.purpose).sort()).toEqual(["API_CREDENTIAL", "WEBHOOK_SIGNING"]);
    expect(JSON.stringify(detail)).not.toContain(created.signingSecret!);
    expect(JSON.stringify(detail)).not.toContain("cs_abcdefghij");
    const rows = await database.prisma.secret.findMany({ where: { connectionId: created.id } });
    for (const row of rows) expect(Buffer.from(row.ciphertext).toString("utf8")).not.toContain("cs_abcdefghij");
    expect(await database.prisma.auditLog.count({ where: { tenantId: owner.tenant.id, action: "connection.created" } })).toBe(1);
  });

  it("refuses bad credentials field by field and writes nothing", async () => {
    const before = await database.prisma.connection.count();
    const error = await errorOf(
      caller().connection.create({ provider: "WOOCOMMERCE", direction: "CHANNEL", name: "Broken", baseUrl: "https://shop.example.com", credentials: { consumerKey: "nope", consumerSecret: "cs_abcdefghij" } }),
    );
    expect(error?.code).toBe("BAD_REQUEST");
    expect(error?.message).toBe("Some API credentials are not valid");
    expect(await database.prisma.connection.count()).toBe(before);
  });

  it("refuses a role the platform cannot play, and Shopify without its client secret", async () => {
    expect((await errorOf(caller().connection.create({ provider: "SAM", direction: "CHANNEL", name: "SAM out", baseUrl: "https://sam.example.com", credentials: { apiKey: "sam-key-12345" } })))?.message).toMatch(/only be connected as a source/);
    expect(
      (await errorOf(caller().connection.create({ provider: "SHOPIFY", direction: "CHANNEL", name: "Shop", baseUrl: "https://x.myshopify.com", credentials: { accessToken: "shpat_1234567890" } })))?.message,
    ).toMatch(/app client secret/);
  });

  it("edits, pauses and deletes only with the name typed back", async () => {
    const { id } = await caller().connection.create({ provider: "SAM", direction: "SOURCE", name: "Archive", baseUrl: "https://sam.example.com", credentials: { apiKey: "sam-key-12345" } });
    await expect(caller().connection.update({ id, syncSchedule: "H12", webhooksEnabled: false, paused: true })).resolves.toMatchObject({ syncSchedule: "H12", webhooksEnabled: false, status: "PAUSED" });
    expect((await errorOf(caller().connection.remove({ id, confirmName: "archive" })))?.code).toBe("BAD_REQUEST");
    await caller().connection.remove({ id, confirmName: "Archive" });
    expect(await database.prisma.connection.count({ where: { id } })).toBe(0);
  });

  it("Test connection reports an unreachable platform in words, with its latency", async () => {
    // A closed port on loopback, named on the allow-list as development names its simulators.
    process.env.OUTBOUND_ALLOW_LIST = "127.0.0.1:9";
    const { id } = await caller().connection.create({ provider: "SAM", direction: "SOURCE", name: "Nowhere", baseUrl: "http://127.0.0.1:9/sam", credentials: { apiKey: "sam-key-12345" } });
    const result = await caller().connection.test({ id }).finally(() => delete process.env.OUTBOUND_ALLOW_LIST);
    expect(result).toMatchObject({ ok: false, reason: "unreachable" });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe("secrets", () => {
  it("rotates with a grace period, returns the new plaintext once, and refuses to revoke the last one", async () => {
    const { id } = await caller().connection.create({ provider: "SAM", direction: "SOURCE", name: "Rotating", baseUrl: "https://sam.example.com", credentials: { apiKey: "sam-key-12345" } });
    const rotated = await caller().secret.rotate({ connectionId: id, graceHours: 2 });
    expect(rotated.plaintext).toMatch(/^whsec_/);
    expect(rotated.secret.last4).toBe(rotated.plaintext!.slice(-4));
    const signing = (await caller().secret.list({ connectionId: id })).filter((s) => s.purpose === "WEBHOOK_SIGNING");
    expect(signing).toHaveLength(2);
    const old = signing.find((s) => s.id !== rotated.secret.id)!;
    expect(old.expiresAt!.getTime()).toBeCloseTo(rotated.previousValidUntil.getTime(), -3);
    await caller().secret.revoke({ id: old.id });
    expect((await errorOf(caller().secret.revoke({ id: rotated.secret.id })))?.message).toMatch(/Rotate first/);
    const actions = await database.prisma.auditLog.findMany({ where: { tenantId: owner.tenant.id, action: { startsWith: "secret." } }, select: { action: true, summary: true } });
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["secret.rotated", "secret.revoked"]));
    expect(JSON.stringify(actions)).not.toContain(rotated.plaintext!);
  });

  it("a MEMBER cannot rotate secrets", async () => {
    const member = await createTenantFixture(database.prisma, "member-secret", "MEMBER");
    expect((await errorOf(callerFor(database.prisma, member.user.id, member.tenant.slug).secret.rotate({ connectionId: member.connection.id })))?.code).toBe("FORBIDDEN");
  });
});

describe("members", () => {
  it("invites by email (a pending membership with a hashed, expiring token); roles change and members are removed", async () => {
    await caller().member.invite({ email: "New.Person@Example.com", role: "MEMBER" });
    expect((await errorOf(caller().member.invite({ email: "new.person@example.com", role: "VIEWER" })))?.code).toBe("CONFLICT");
    const invitation = await database.prisma.membership.findFirstOrThrow({ where: { tenantId: owner.tenant.id, invitedEmail: "new.person@example.com" } });
    expect(invitation).toMatchObject({ status: "PENDING", userId: null });
    expect(invitation.inviteTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(invitation.inviteExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    // Accepting goes through the mailed token (src/server/accounts/accounts.test.ts); here the member is added directly.
    const user = await database.prisma.user.create({ data: { email: "new.person@example.com", name: "New Person", emailVerifiedAt: new Date() } });
    const membership = await database.prisma.membership.update({ where: { id: invitation.id }, data: { userId: user.id, status: "ACTIVE", inviteTokenHash: null } });
    expect(membership).toMatchObject({ status: "ACTIVE", role: "MEMBER" });
    await caller().member.updateRole({ id: membership.id, role: "VIEWER" });
    await caller().member.remove({ id: membership.id });
    expect(await database.prisma.membership.count({ where: { id: membership.id } })).toBe(0);
  });

  it("keeps at least one owner", async () => {
    expect((await errorOf(caller().member.updateRole({ id: owner.membership.id, role: "ADMIN" })))?.message).toMatch(/at least one owner/);
    expect((await errorOf(caller().member.remove({ id: owner.membership.id })))?.message).toMatch(/at least one owner/);
  });
});

describe("workspace", () => {
  it("saves selling locations and retention, refusing retention outside 1–365", async () => {
    await expect(caller().tenant.update({ sellingLocations: ["gallery", "gallery", "warehouse"], retentionDays: 30 })).resolves.toMatchObject({ sellingLocations: ["gallery", "warehouse"], retentionDays: 30 });
    expect((await errorOf(caller().tenant.update({ retentionDays: 400 })))?.code).toBe("BAD_REQUEST");
  });

  it("deletes the workspace only for its owner with the slug typed back, and keeps the audit trail", async () => {
    const doomed = await createTenantFixture(database.prisma, "doomed");
    const doomedCaller = callerFor(database.prisma, doomed.user.id, doomed.tenant.slug);
    expect((await errorOf(doomedCaller.tenant.remove({ confirmSlug: "nope" })))?.code).toBe("BAD_REQUEST");
    await doomedCaller.tenant.remove({ confirmSlug: doomed.tenant.slug });
    expect(await database.prisma.tenant.count({ where: { id: doomed.tenant.id } })).toBe(0);
    const trail = await database.prisma.auditLog.findFirstOrThrow({ where: { action: "tenant.deleted", target: `tenant:${doomed.tenant.id}` } });
    expect(trail.tenantId).toBeNull();
  });
});

describe("overview", () => {
  it("measures webhook → storefront latency, buckets events per hour and raises alerts", async () => {
    const tenant = await createTenantFixture(database.prisma, "overview");
    const received = new Date();
    // The fixture's own (valid) event is older, so the mismatch streak counts these three; and the
    // rejections are received now, not in the future, so the summary's last hour holds them even
    // when the test runs across an hour boundary.
    await database.prisma.webhookEvent.updateMany({ where: { tenantId: tenant.tenant.id }, data: { receivedAt: new Date(received.getTime() - 1_000) } });
    // Three signature failures from the platform's known address, as the front door counts them
    // (the REJECTED rows below are its timeline sample of them).
    await database.prisma.webhookRejection.create({
      data: { tenantId: tenant.tenant.id, connectionId: tenant.connection.id, minute: new Date(Math.floor(received.getTime() / 60_000) * 60_000), responseStatus: 401, signatureVerdict: "INVALID", fromKnownSource: true, count: 3, lastAt: received },
    });
    for (const [index, ms] of [400, 800, 1200].entries()) {
      const event = await database.prisma.webhookEvent.create({
        data: { tenantId: tenant.tenant.id, connectionId: tenant.connection.id, provider: "SAM", payloadHash: String(index).repeat(64), signatureVerdict: "INVALID", status: "REJECTED", receivedAt: received },
      });
      await database.prisma.channelPush.create({
        data: { tenantId: tenant.tenant.id, connectionId: tenant.connection.id, itemId: tenant.item.id, webhookEventId: event.id, quantity: 0, status: "SOLD", state: "SUCCEEDED", pushedAt: new Date(received.getTime() + ms) },
      });
    }
    const summary = await callerFor(database.prisma, tenant.user.id, tenant.tenant.slug).overview.summary();
    expect(summary.latency).toEqual({ samples: 3, p50Ms: 800, p95Ms: 1160 });
    expect(summary.hourly).toHaveLength(24);
    const hourOfReceipt = Math.floor(received.getTime() / 3_600_000) * 3_600_000;
    expect(summary.hourly.find((bucket) => new Date(bucket.hour).getTime() === hourOfReceipt)).toMatchObject({ rejected: 3 });
    expect(summary.alerts.map((a) => a.title)).toEqual(expect.arrayContaining([expect.stringMatching(/last 3 webhooks from the platform failed their signature check/), expect.stringMatching(/never been synced/)]));
    expect(summary.alerts[0]!.severity).toBe("critical");
  });
});
