import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import type { PrismaClient } from "@/generated/prisma/client";
import { createCaller } from "@/server/api/root";
import { createTRPCContext, TENANT_HEADER } from "@/server/api/trpc";
import { AUDIT_PAGE_SIZE } from "@/server/audit/audit-query";
import { IMPERSONATION_COOKIE, impersonationIdFromHeaders, startImpersonation } from "@/server/support/impersonation";
import { createOrPromoteStaff } from "@/server/support/platform-roles";
import { scopeToTenant, TenantScopeViolation } from "@/server/tenancy/tenant-db";
import { it } from "@test-support/db-fixture";
import { callerFor, createStaffUser, createTenantFixture, errorOf } from "@test-support/fixtures";

/** Starts a session through the API as the browser would, returning the cookie value it set. */
async function impersonate(prisma: PrismaClient, staffId: string, tenantId: string, minutes?: number) {
  const responseHeaders = new Headers();
  const started = await callerFor(prisma, staffId, undefined, { responseHeaders }).support.startImpersonation({
    tenantId,
    reason: "Customer reports the shop shows sold paintings",
    minutes,
  });
  return { ...started, setCookie: responseHeaders.get("set-cookie") ?? "" };
}

// Staff support tenant a; tenant b is elsewhere. The tests run in order and read what earlier ones left (sessions, audit rows).
describe("starting a support session", () => {
  it("needs a written reason and at most two hours", async ({ prisma, tenantA: tenant }) => {
    const staff = await createStaffUser(prisma, "strict");
    const caller = callerFor(prisma, staff.id);
    expect(
      (await errorOf(caller.support.startImpersonation({ tenantId: tenant.tenant.id, reason: "  help " })))?.code,
    ).toBe("BAD_REQUEST");
    expect(
      (
        await errorOf(
          caller.support.startImpersonation({
            tenantId: tenant.tenant.id,
            reason: "Checking a failed sync",
            minutes: 121,
          }),
        )
      )?.code,
    ).toBe("BAD_REQUEST");
    expect(
      (
        await errorOf(
          caller.support.startImpersonation({ tenantId: "no-such-tenant", reason: "Checking a failed sync" }),
        )
      )?.code,
    ).toBe("NOT_FOUND");
    expect(await prisma.impersonationSession.count({ where: { staffUserId: staff.id } })).toBe(0);
  });

  it("records the session (30 minutes by default), audits it and sets an httpOnly cookie holding only its id", async ({
    prisma,
    tenantA: tenant,
  }) => {
    const staff = await createStaffUser(prisma, "starter");
    const started = await impersonate(prisma, staff.id, tenant.tenant.id);
    const row = await prisma.impersonationSession.findUniqueOrThrow({ where: { id: started.id } });
    expect(row).toMatchObject({
      staffUserId: staff.id,
      tenantId: tenant.tenant.id,
      reason: "Customer reports the shop shows sold paintings",
      endedAt: null,
      writeAccessGrantedAt: null,
    });
    expect(row.expiresAt.getTime() - row.startedAt.getTime()).toBe(30 * 60_000);
    expect(started.setCookie).toMatch(
      new RegExp(`^${IMPERSONATION_COOKIE}=${started.id}; Max-Age=(1799|1800); Path=/; HttpOnly; SameSite=Lax$`),
    );
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { impersonationSessionId: started.id } });
    expect(audit).toMatchObject({
      tenantId: tenant.tenant.id,
      action: "support.impersonation_started",
      actorId: staff.id,
      impersonatorId: staff.id,
    });
  });
});

describe("during a support session", () => {
  it("the staff member sees the tenant as its owner does, rendered read-only", async ({ prisma, tenantA: tenant }) => {
    const staff = await createStaffUser(prisma, "viewer");
    const { id } = await impersonate(prisma, staff.id, tenant.tenant.id);
    const caller = callerFor(prisma, staff.id, tenant.tenant.slug, { impersonationId: id });
    await expect(caller.tenant.current()).resolves.toMatchObject({
      slug: tenant.tenant.slug,
      role: "VIEWER",
      impersonation: { id, writeAccess: false },
    });
    await expect(caller.item.byId({ id: tenant.item.id })).resolves.toMatchObject({ sku: tenant.item.sku });
    await expect(caller.audit.accessLog()).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({ id, state: "ACTIVE" })]),
    );
    expect((await errorOf(callerFor(prisma, staff.id, tenant.tenant.slug).tenant.current()))?.code).toBe("FORBIDDEN");
  });

  it("cannot start another session, grant write access, assign platform roles or create a workspace", async ({
    prisma,
    tenantA: tenant,
    tenantB: other,
  }) => {
    const admin = await createStaffUser(prisma, "busy-admin", "ADMIN");
    const { id } = await impersonate(prisma, admin.id, tenant.tenant.id);
    const caller = callerFor(prisma, admin.id, tenant.tenant.slug, { impersonationId: id });
    expect(
      (
        await errorOf(
          caller.support.startImpersonation({ tenantId: other.tenant.id, reason: "Another tenant while at it" }),
        )
      )?.code,
    ).toBe("FORBIDDEN");
    expect((await errorOf(caller.support.grantWriteAccess({ sessionId: id })))?.code).toBe("FORBIDDEN");
    expect((await errorOf(caller.support.setPlatformRole({ email: tenant.user.email, role: "ADMIN" })))?.code).toBe(
      "FORBIDDEN",
    );
    expect((await errorOf(caller.tenant.create({ name: "Staff side project", kind: "STORE" })))?.code).toBe(
      "FORBIDDEN",
    );
    expect(
      (await errorOf(callerFor(prisma, admin.id, other.tenant.slug, { impersonationId: id }).tenant.current()))?.code,
    ).toBe("FORBIDDEN");
    expect(await prisma.impersonationSession.count({ where: { staffUserId: admin.id } })).toBe(1);
    expect(await prisma.impersonationSession.findUniqueOrThrow({ where: { id } })).toMatchObject({
      writeAccessGrantedAt: null,
    });
    expect(await prisma.user.findUniqueOrThrow({ where: { id: tenant.user.id } })).toMatchObject({
      platformRole: "USER",
    });
  });

  it("write access is granted by a platform ADMIN only, recorded and audited", async ({ prisma, tenantA: tenant }) => {
    const staff = await createStaffUser(prisma, "needs-write");
    const support = await createStaffUser(prisma, "peer");
    const admin = await createStaffUser(prisma, "granter", "ADMIN");
    const { id } = await impersonate(prisma, staff.id, tenant.tenant.id);
    expect((await errorOf(callerFor(prisma, support.id).support.grantWriteAccess({ sessionId: id })))?.code).toBe(
      "FORBIDDEN",
    );
    await expect(callerFor(prisma, admin.id).support.grantWriteAccess({ sessionId: id })).resolves.toEqual({
      granted: true,
    });
    expect(await prisma.impersonationSession.findUniqueOrThrow({ where: { id } })).toMatchObject({
      writeAccessGrantedById: admin.id,
    });
    expect(
      await prisma.auditLog.findFirstOrThrow({
        where: { impersonationSessionId: id, action: "support.write_access_granted" },
      }),
    ).toMatchObject({ actorId: admin.id, impersonatorId: staff.id });
    const caller = callerFor(prisma, staff.id, tenant.tenant.slug, { impersonationId: id });
    await expect(caller.tenant.current()).resolves.toMatchObject({
      role: "OWNER",
      impersonation: { writeAccess: true },
    });
    await caller.connection.update({ id: tenant.connection.id, name: "SAM (checked by support)" });
    expect(
      await prisma.auditLog.findFirstOrThrow({ where: { impersonationSessionId: id, action: "connection.updated" } }),
    ).toMatchObject({ impersonatorId: staff.id });
  });
});

describe("expiry, end and forged claims are enforced on the next request", () => {
  it("an ended session is refused, the cookie is cleared and the end is audited", async ({
    prisma,
    tenantA: tenant,
  }) => {
    const staff = await createStaffUser(prisma, "ender");
    const { id } = await impersonate(prisma, staff.id, tenant.tenant.id);
    const responseHeaders = new Headers();
    await expect(
      callerFor(prisma, staff.id, tenant.tenant.slug, {
        impersonationId: id,
        responseHeaders,
      }).support.endImpersonation(),
    ).resolves.toEqual({ ended: true });
    expect(responseHeaders.get("set-cookie")).toMatch(new RegExp(`^${IMPERSONATION_COOKIE}=; Max-Age=0;`));
    expect(
      (await errorOf(callerFor(prisma, staff.id, tenant.tenant.slug, { impersonationId: id }).connection.list()))?.code,
    ).toBe("FORBIDDEN");
    expect(
      await prisma.auditLog.count({ where: { impersonationSessionId: id, action: "support.impersonation_ended" } }),
    ).toBe(1);
    await expect(
      callerFor(prisma, staff.id, tenant.tenant.slug, { impersonationId: id }).support.endImpersonation(),
    ).resolves.toEqual({ ended: false });
  });

  it("an expired session is refused although nobody ended it", async ({ prisma, tenantA: tenant }) => {
    const staff = await createStaffUser(prisma, "late");
    const session = await startImpersonation(prisma, {
      staffUserId: staff.id,
      tenantId: tenant.tenant.id,
      reason: "Started long ago",
      minutes: 5,
      origin: {},
      now: new Date(Date.now() - 6 * 60_000),
    });
    const error = await errorOf(
      callerFor(prisma, staff.id, tenant.tenant.slug, { impersonationId: session.id }).tenant.current(),
    );
    expect(error?.code).toBe("FORBIDDEN");
    expect(error?.message).toBe("You do not have access to this tenant");
  });

  it("a session id copied from another staff member, edited, or kept after a demotion opens nothing", async ({
    prisma,
    tenantA: tenant,
    tenantB: other,
  }) => {
    const owner = await createStaffUser(prisma, "session-owner");
    const thief = await createStaffUser(prisma, "thief");
    const { id } = await impersonate(prisma, owner.id, tenant.tenant.id);
    const attempts = [
      callerFor(prisma, thief.id, tenant.tenant.slug, { impersonationId: id }),
      callerFor(prisma, other.user.id, tenant.tenant.slug, { impersonationId: id }),
      callerFor(prisma, owner.id, tenant.tenant.slug, { impersonationId: `${id}x` }),
      callerFor(prisma, owner.id, other.tenant.slug, { impersonationId: id }),
    ];
    for (const caller of attempts) expect((await errorOf(caller.connection.list()))?.code).toBe("FORBIDDEN");
    await prisma.user.update({ where: { id: owner.id }, data: { platformRole: "USER" } });
    expect(
      (await errorOf(callerFor(prisma, owner.id, tenant.tenant.slug, { impersonationId: id }).connection.list()))?.code,
    ).toBe("FORBIDDEN");
  });

  it("claims added to the session token (platform role, tenant, session id) grant nothing: only the database decides", async ({
    prisma,
    tenantA: tenant,
    tenantB: other,
  }) => {
    const staff = await createStaffUser(prisma, "real-staff");
    const { id } = await impersonate(prisma, staff.id, tenant.tenant.id);
    const forged = {
      user: { id: other.user.id, platformRole: "ADMIN", tenantId: tenant.tenant.id, impersonationId: id },
    };
    const caller = createCaller(
      createTRPCContext({ headers: new Headers({ [TENANT_HEADER]: tenant.tenant.slug }), prisma, session: forged }),
    );
    expect((await errorOf(caller.connection.list()))?.code).toBe("FORBIDDEN");
    expect((await errorOf(caller.support.tenants()))?.code).toBe("FORBIDDEN");
  });

  it("reads the session id only from a well-formed cookie", () => {
    const headers = (cookie: string) => new Headers({ cookie });
    expect(impersonationIdFromHeaders(headers(`a=1; ${IMPERSONATION_COOKIE}=abc123`))).toBe("abc123");
    expect(impersonationIdFromHeaders(headers(`${IMPERSONATION_COOKIE}=abc' OR 1=1`))).toBeNull();
    expect(impersonationIdFromHeaders(headers("other=abc123"))).toBeNull();
  });
});

describe("the support console", () => {
  it("finds tenants by name, slug or owner email with a health summary", async ({
    prisma,
    tenantA: tenant,
    tenantB: other,
  }) => {
    const staff = await createStaffUser(prisma, "directory");
    // A refused webhook, as the front door counts it (WebhookRejection; REJECTED rows are only a sample).
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await prisma.webhookRejection.create({
      data: {
        tenantId: other.tenant.id,
        connectionId: other.connection.id,
        minute,
        responseStatus: 401,
        signatureVerdict: "INVALID",
        count: 1,
        lastAt: new Date(),
      },
    });
    await prisma.connection.update({ where: { id: other.connection.id }, data: { status: "ERROR" } });
    const caller = callerFor(prisma, staff.id);
    const [found] = await caller.support.tenants({ search: other.user.email.toUpperCase() });
    expect(found).toMatchObject({
      slug: other.tenant.slug,
      owners: [other.user.email],
      failingConnections: 1,
      rejectedWebhooks24h: 1,
      healthy: false,
    });
    expect((await caller.support.tenants({ search: tenant.tenant.slug })).map((row) => row.slug)).toEqual([
      tenant.tenant.slug,
    ]);
  });

  it("an ADMIN assigns platform roles to existing users, never their own, and it is audited", async ({ prisma }) => {
    const admin = await createStaffUser(prisma, "roles", "ADMIN");
    const caller = callerFor(prisma, admin.id);
    const user = await createTenantFixture(prisma, "promoted");
    await expect(caller.support.setPlatformRole({ email: user.user.email, role: "SUPPORT" })).resolves.toMatchObject({
      changed: true,
    });
    expect(
      await prisma.auditLog.findFirstOrThrow({
        where: { action: "platform.role_changed", target: `user:${user.user.id}` },
      }),
    ).toMatchObject({ tenantId: null, actorId: admin.id });
    expect((await errorOf(caller.support.setPlatformRole({ email: admin.email, role: "USER" })))?.code).toBe(
      "BAD_REQUEST",
    );
    expect((await errorOf(caller.support.setPlatformRole({ email: "nobody@example.test", role: "ADMIN" })))?.code).toBe(
      "NOT_FOUND",
    );
    expect(
      (
        await errorOf(
          callerFor(prisma, user.user.id).support.setPlatformRole({ email: user.user.email, role: "ADMIN" }),
        )
      )?.code,
    ).toBe("FORBIDDEN");
  });

  it("admin:create creates a staff user or promotes one, and says which", async ({ prisma, tenantA: tenant }) => {
    const created = await createOrPromoteStaff(prisma, {
      email: "New.Admin@Example.test",
      role: "ADMIN",
      password: "long-enough-password",
    });
    expect(created).toMatchObject({ created: true, email: "new.admin@example.test", role: "ADMIN", passwordSet: true });
    const promoted = await createOrPromoteStaff(prisma, { email: tenant.user.email, role: "SUPPORT" });
    expect(promoted).toMatchObject({ created: false, before: "USER", role: "SUPPORT" });
    await expect(createOrPromoteStaff(prisma, { email: "not-an-email", role: "ADMIN" })).rejects.toThrow(
      "Not an email address",
    );
    await prisma.user.update({ where: { id: tenant.user.id }, data: { platformRole: "USER" } });
  });
});

describe("the audit trail", () => {
  it("a tenant's trail pages by 50 and filters by action and actor; platform rows stay out of it", async ({
    prisma,
  }) => {
    const fixture = await createTenantFixture(prisma, "busy");
    const caller = callerFor(prisma, fixture.user.id, fixture.tenant.slug);
    for (let i = 0; i < 27; i += 1) await caller.connection.update({ id: fixture.connection.id, name: `SAM ${i}` });
    for (let i = 0; i < 27; i += 1) await caller.tenant.update({ safetyBuffer: i + 1 });
    const first = await caller.audit.list();
    expect(first.rows).toHaveLength(AUDIT_PAGE_SIZE);
    const second = await caller.audit.list({ cursor: first.nextCursor! });
    expect(second.rows).toHaveLength(4);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.rows, ...second.rows].map((row) => row.id)).size).toBe(54);
    expect((await caller.audit.list({ action: "tenant.updated" })).rows).toHaveLength(27);
    expect((await caller.audit.list({ actorId: "someone-else" })).rows).toHaveLength(0);
    expect(await caller.audit.facets()).toEqual({
      actions: ["connection.updated", "tenant.updated"],
      actors: [{ id: fixture.user.id, name: fixture.user.name, email: fixture.user.email }],
    });
    expect(first.rows[0]).toMatchObject({ actor: { email: fixture.user.email }, impersonatorId: null });
  });

  it("a platform ADMIN reads every tenant's trail and the platform's own; SUPPORT does not", async ({
    prisma,
    tenantA: tenant,
  }) => {
    const admin = await createStaffUser(prisma, "auditor", "ADMIN");
    const support = await createStaffUser(prisma, "not-auditor");
    const all = await callerFor(prisma, admin.id).support.auditLog({ action: "support.impersonation_started" });
    expect(new Set(all.rows.map((row) => row.tenant?.slug))).toEqual(new Set([tenant.tenant.slug]));
    const platform = await callerFor(prisma, admin.id).support.auditLog({ action: "platform.role_changed" });
    expect(platform.rows.length).toBeGreaterThan(0);
    expect((await errorOf(callerFor(prisma, support.id).support.auditLog()))?.code).toBe("FORBIDDEN");
  });

  it("the tenant's access log lists every session: who, when, why, how long and what was done", async ({
    prisma,
    tenantA: tenant,
    tenantB: other,
  }) => {
    const log = await callerFor(prisma, tenant.user.id, tenant.tenant.slug).audit.accessLog();
    const withWrite = log.find((session) => session.writeAccessGrantedAt !== null)!;
    expect(withWrite).toMatchObject({
      reason: "Customer reports the shop shows sold paintings",
      staffUser: { email: expect.stringContaining("needs-write") },
      writeAccessGrantedBy: { email: expect.stringContaining("granter") },
    });
    expect(withWrite.actions.map((row) => row.action)).toEqual([
      "support.impersonation_started",
      "support.write_access_granted",
      "connection.updated",
    ]);
    expect(log.find((session) => session.reason === "Started long ago")).toMatchObject({
      state: "EXPIRED",
      minutes: 5,
    });
    expect(log.some((session) => session.state === "ENDED")).toBe(true);
    expect((await errorOf(callerFor(prisma, other.user.id, tenant.tenant.slug).audit.accessLog()))?.code).toBe(
      "FORBIDDEN",
    );
  });

  it("is append-only: the tenant client refuses updates and deletes, and only audit-log.ts writes rows", async ({
    prisma,
    tenantA: tenant,
  }) => {
    const db = scopeToTenant(prisma, tenant.tenant.id);
    await expect(db.auditLog.updateMany({ data: { action: "rewritten" } })).rejects.toThrow(TenantScopeViolation);
    await expect(db.auditLog.deleteMany({})).rejects.toThrow(TenantScopeViolation);
    const writers: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name !== "generated") walk(path);
        } else if (
          /\.tsx?$/.test(name) &&
          !name.endsWith(".test.ts") &&
          /auditLog\.(create|update|delete|upsert)/.test(readFileSync(path, "utf8"))
        ) {
          writers.push(path);
        }
      }
    };
    walk("src");
    walk("scripts");
    expect(writers).toEqual([join("src", "server", "audit", "audit-log.ts")]);
  });
});

describe("write grants (issue 17, item 9)", () => {
  it("a platform ADMIN cannot grant write access to their own support session, even without its cookie", async ({
    prisma,
    tenantA: tenant,
  }) => {
    const admin = await createStaffUser(prisma, "self-granting-admin", "ADMIN");
    const { id } = await impersonate(prisma, admin.id, tenant.tenant.id);
    // Called without the session cookie, as a second tab or a script would: the session rule alone does not apply.
    const error = await errorOf(callerFor(prisma, admin.id).support.grantWriteAccess({ sessionId: id }));
    expect(error?.code).toBe("FORBIDDEN");
    expect((await prisma.impersonationSession.findUniqueOrThrow({ where: { id } })).writeAccessGrantedAt).toBeNull();
    expect(
      await prisma.auditLog.count({ where: { action: "support.write_access_granted", target: `impersonation:${id}` } }),
    ).toBe(0);
    // Another admin may.
    const second = await createStaffUser(prisma, "second-admin", "ADMIN");
    await expect(callerFor(prisma, second.id).support.grantWriteAccess({ sessionId: id })).resolves.toEqual({
      granted: true,
    });
  });
});
