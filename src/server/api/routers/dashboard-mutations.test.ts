import { describe, expect } from "vitest";
import { test } from "@test-support/db-fixture";
import { callerFor, createTenantFixture, errorOf } from "@test-support/fixtures";

/** The tRPC API as tenant a's owner. */
const it = test.extend("ownerApi", ({ prisma, tenantA }) => callerFor(prisma, tenantA.user.id, tenantA.tenant.slug));

describe("connection wizard", () => {
  it("creates the connection with sealed secrets and shows the signing secret once", async ({
    prisma,
    tenantA: owner,
    ownerApi,
  }) => {
    const created = await ownerApi.connection.create({
      provider: "WOOCOMMERCE",
      direction: "CHANNEL",
      name: "Gift shop",
      baseUrl: "https://shop.example.com",
      syncSchedule: "H3",
      credentials: { consumerKey: "ck_1234567890", consumerSecret: "cs_abcdefghij" },
    });
    expect(created.signingSecret).toMatch(/^whsec_/);
    expect(created.webhookUrl).toBe(`https://stockhook.test/api/webhooks/${owner.tenant.slug}/${created.id}`);
    const detail = await ownerApi.connection.byId({ id: created.id });
    expect(detail.secrets.map((s) => s.purpose).sort()).toEqual(["API_CREDENTIAL", "WEBHOOK_SIGNING"]);
    expect(JSON.stringify(detail)).not.toContain(created.signingSecret!);
    expect(JSON.stringify(detail)).not.toContain("cs_abcdefghij");
    const rows = await prisma.secret.findMany({ where: { connectionId: created.id } });
    for (const row of rows) expect(Buffer.from(row.ciphertext).toString("utf8")).not.toContain("cs_abcdefghij");
    expect(await prisma.auditLog.count({ where: { tenantId: owner.tenant.id, action: "connection.created" } })).toBe(1);
  });

  it("refuses bad credentials field by field and writes nothing", async ({ prisma, ownerApi }) => {
    const before = await prisma.connection.count();
    const error = await errorOf(
      ownerApi.connection.create({
        provider: "WOOCOMMERCE",
        direction: "CHANNEL",
        name: "Broken",
        baseUrl: "https://shop.example.com",
        credentials: { consumerKey: "nope", consumerSecret: "cs_abcdefghij" },
      }),
    );
    expect(error?.code).toBe("BAD_REQUEST");
    expect(error?.message).toBe("Some API credentials are not valid");
    expect(await prisma.connection.count()).toBe(before);
  });

  it("refuses a role the platform cannot play, and Shopify without its client secret", async ({ ownerApi }) => {
    expect(
      (
        await errorOf(
          ownerApi.connection.create({
            provider: "SAM",
            direction: "CHANNEL",
            name: "SAM out",
            baseUrl: "https://sam.example.com",
            credentials: { apiKey: "sam-key-12345" },
          }),
        )
      )?.message,
    ).toMatch(/only be connected as a source/);
    expect(
      (
        await errorOf(
          ownerApi.connection.create({
            provider: "SHOPIFY",
            direction: "CHANNEL",
            name: "Shop",
            baseUrl: "https://x.myshopify.com",
            credentials: { accessToken: "shpat_1234567890" },
          }),
        )
      )?.message,
    ).toMatch(/app client secret/);
  });

  it("edits, pauses and deletes only with the name typed back", async ({ prisma, ownerApi }) => {
    const { id } = await ownerApi.connection.create({
      provider: "SAM",
      direction: "SOURCE",
      name: "Archive",
      baseUrl: "https://sam.example.com",
      credentials: { apiKey: "sam-key-12345" },
    });
    await expect(
      ownerApi.connection.update({ id, syncSchedule: "H12", webhooksEnabled: false, paused: true }),
    ).resolves.toMatchObject({ syncSchedule: "H12", webhooksEnabled: false, status: "PAUSED" });
    expect((await errorOf(ownerApi.connection.remove({ id, confirmName: "archive" })))?.code).toBe("BAD_REQUEST");
    await ownerApi.connection.remove({ id, confirmName: "Archive" });
    expect(await prisma.connection.count({ where: { id } })).toBe(0);
  });

  it("Test connection reports an unreachable platform in words, with its latency", async ({ ownerApi }) => {
    // A closed port on loopback, named on the allow-list as development names its simulators.
    process.env.OUTBOUND_ALLOW_LIST = "127.0.0.1:9";
    const { id } = await ownerApi.connection.create({
      provider: "SAM",
      direction: "SOURCE",
      name: "Nowhere",
      baseUrl: "http://127.0.0.1:9/sam",
      credentials: { apiKey: "sam-key-12345" },
    });
    const result = await ownerApi.connection.test({ id }).finally(() => delete process.env.OUTBOUND_ALLOW_LIST);
    expect(result).toMatchObject({ ok: false, reason: "unreachable" });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe("secrets", () => {
  it("rotates with a grace period, returns the new plaintext once, and refuses to revoke the last one", async ({
    prisma,
    tenantA: owner,
    ownerApi,
  }) => {
    const { id } = await ownerApi.connection.create({
      provider: "SAM",
      direction: "SOURCE",
      name: "Rotating",
      baseUrl: "https://sam.example.com",
      credentials: { apiKey: "sam-key-12345" },
    });
    const rotated = await ownerApi.secret.rotate({ connectionId: id, graceHours: 2 });
    expect(rotated.plaintext).toMatch(/^whsec_/);
    expect(rotated.secret.last4).toBe(rotated.plaintext!.slice(-4));
    const signing = (await ownerApi.secret.list({ connectionId: id })).filter((s) => s.purpose === "WEBHOOK_SIGNING");
    expect(signing).toHaveLength(2);
    const old = signing.find((s) => s.id !== rotated.secret.id)!;
    expect(old.expiresAt!.getTime()).toBeCloseTo(rotated.previousValidUntil.getTime(), -3);
    await ownerApi.secret.revoke({ id: old.id });
    expect((await errorOf(ownerApi.secret.revoke({ id: rotated.secret.id })))?.message).toMatch(/Rotate first/);
    const actions = await prisma.auditLog.findMany({
      where: { tenantId: owner.tenant.id, action: { startsWith: "secret." } },
      select: { action: true, summary: true },
    });
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["secret.rotated", "secret.revoked"]));
    expect(JSON.stringify(actions)).not.toContain(rotated.plaintext!);
  });

  it("a MEMBER cannot rotate secrets", async ({ prisma }) => {
    const member = await createTenantFixture(prisma, "member-secret", "MEMBER");
    expect(
      (
        await errorOf(
          callerFor(prisma, member.user.id, member.tenant.slug).secret.rotate({ connectionId: member.connection.id }),
        )
      )?.code,
    ).toBe("FORBIDDEN");
  });
});

describe("members", () => {
  it("invites by email (a pending membership with a hashed, expiring token); roles change and members are removed", async ({
    prisma,
    tenantA: owner,
    ownerApi,
  }) => {
    await ownerApi.member.invite({ email: "New.Person@Example.com", role: "MEMBER" });
    expect((await errorOf(ownerApi.member.invite({ email: "new.person@example.com", role: "VIEWER" })))?.code).toBe(
      "CONFLICT",
    );
    const invitation = await prisma.membership.findFirstOrThrow({
      where: { tenantId: owner.tenant.id, invitedEmail: "new.person@example.com" },
    });
    expect(invitation).toMatchObject({ status: "PENDING", userId: null });
    expect(invitation.inviteTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(invitation.inviteExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    // Accepting goes through the mailed token (src/server/accounts/accounts.test.ts); here the member is added directly.
    const user = await prisma.user.create({
      data: { email: "new.person@example.com", name: "New Person", emailVerifiedAt: new Date() },
    });
    const membership = await prisma.membership.update({
      where: { id: invitation.id },
      data: { userId: user.id, status: "ACTIVE", inviteTokenHash: null },
    });
    expect(membership).toMatchObject({ status: "ACTIVE", role: "MEMBER" });
    await ownerApi.member.updateRole({ id: membership.id, role: "VIEWER" });
    await ownerApi.member.remove({ id: membership.id });
    expect(await prisma.membership.count({ where: { id: membership.id } })).toBe(0);
  });

  it("keeps at least one owner", async ({ tenantA: owner, ownerApi }) => {
    expect((await errorOf(ownerApi.member.updateRole({ id: owner.membership.id, role: "ADMIN" })))?.message).toMatch(
      /at least one owner/,
    );
    expect((await errorOf(ownerApi.member.remove({ id: owner.membership.id })))?.message).toMatch(/at least one owner/);
  });
});

describe("workspace", () => {
  it("saves selling locations and retention, refusing retention outside 1–365", async ({ ownerApi }) => {
    await expect(
      ownerApi.tenant.update({ sellingLocations: ["gallery", "gallery", "warehouse"], retentionDays: 30 }),
    ).resolves.toMatchObject({ sellingLocations: ["gallery", "warehouse"], retentionDays: 30 });
    expect((await errorOf(ownerApi.tenant.update({ retentionDays: 400 })))?.code).toBe("BAD_REQUEST");
  });

  it("deletes the workspace only for its owner with the slug typed back, and keeps the audit trail", async ({
    prisma,
  }) => {
    const doomed = await createTenantFixture(prisma, "doomed");
    const doomedCaller = callerFor(prisma, doomed.user.id, doomed.tenant.slug);
    expect((await errorOf(doomedCaller.tenant.remove({ confirmSlug: "nope" })))?.code).toBe("BAD_REQUEST");
    await doomedCaller.tenant.remove({ confirmSlug: doomed.tenant.slug });
    expect(await prisma.tenant.count({ where: { id: doomed.tenant.id } })).toBe(0);
    const trail = await prisma.auditLog.findFirstOrThrow({
      where: { action: "tenant.deleted", target: `tenant:${doomed.tenant.id}` },
    });
    expect(trail.tenantId).toBeNull();
  });
});

describe("overview", () => {
  it("measures webhook → storefront latency, buckets events per hour and raises alerts", async ({ prisma }) => {
    const tenant = await createTenantFixture(prisma, "overview");
    const received = new Date();
    // The fixture's own (valid) event is older, so the mismatch streak counts these three; and the
    // rejections are received now, not in the future, so the summary's last hour holds them even
    // when the test runs across an hour boundary.
    await prisma.webhookEvent.updateMany({
      where: { tenantId: tenant.tenant.id },
      data: { receivedAt: new Date(received.getTime() - 1_000) },
    });
    // Three signature failures from the platform's known address, as the front door counts them
    // (the REJECTED rows below are its timeline sample of them).
    await prisma.webhookRejection.create({
      data: {
        tenantId: tenant.tenant.id,
        connectionId: tenant.connection.id,
        minute: new Date(Math.floor(received.getTime() / 60_000) * 60_000),
        responseStatus: 401,
        signatureVerdict: "INVALID",
        fromKnownSource: true,
        count: 3,
        lastAt: received,
      },
    });
    for (const [index, ms] of [400, 800, 1200].entries()) {
      const event = await prisma.webhookEvent.create({
        data: {
          tenantId: tenant.tenant.id,
          connectionId: tenant.connection.id,
          provider: "SAM",
          payloadHash: String(index).repeat(64),
          signatureVerdict: "INVALID",
          status: "REJECTED",
          receivedAt: received,
        },
      });
      await prisma.channelPush.create({
        data: {
          tenantId: tenant.tenant.id,
          connectionId: tenant.connection.id,
          itemId: tenant.item.id,
          webhookEventId: event.id,
          quantity: 0,
          status: "SOLD",
          state: "SUCCEEDED",
          pushedAt: new Date(received.getTime() + ms),
        },
      });
    }
    const summary = await callerFor(prisma, tenant.user.id, tenant.tenant.slug).overview.summary();
    expect(summary.latency).toEqual({ samples: 3, p50Ms: 800, p95Ms: 1160 });
    expect(summary.activity).toHaveLength(24);
    const hourOfReceipt = Math.floor(received.getTime() / 3_600_000) * 3_600_000;
    expect(summary.activity.find((bucket) => new Date(bucket.start).getTime() === hourOfReceipt)).toMatchObject({
      rejected: 3,
    });
    // The other ranges bucket the same data: 5 minutes over the last hour, 6 hours over 7 days.
    const api = callerFor(prisma, tenant.user.id, tenant.tenant.slug);
    const week = await api.overview.summary({ range: "7d" });
    expect(week.activity).toHaveLength(28);
    expect(week.activity.reduce((sum, bucket) => sum + bucket.rejected, 0)).toBe(3);
    expect((await api.overview.summary({ range: "1h" })).activity).toHaveLength(12);
    expect(summary.alerts.map((a) => a.title)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/last 3 webhooks from the platform failed their signature check/),
        expect.stringMatching(/never been synced/),
      ]),
    );
    expect(summary.alerts[0]!.severity).toBe("critical");
  });
});
