import { describe, expect } from "vitest";
import type { PrismaClient } from "@/generated/prisma/client";
import { appRouter, createCaller } from "@/server/api/root";
import { createTRPCContext, TENANT_HEADER } from "@/server/api/trpc";
import { grantWriteAccess, startImpersonation, WRITABLE_WITH_GRANT } from "@/server/support/impersonation";
import { it } from "@test-support/db-fixture";
import { callerFor, createStaffUser, createTenantFixture, errorOf, type TenantFixture } from "@test-support/fixtures";

/**
 * Tries to break tenancy through every tRPC procedure. Each procedure must be listed here: a new
 * procedure without a case fails the first test, so nobody adds a router without thinking
 * about who may call it.
 */
type Case =
  | { kind: "public" }
  | { kind: "user"; input?: (victim: TenantFixture) => unknown }
  | { kind: "staff"; input?: (victim: TenantFixture) => unknown }
  | {
      kind: "tenant";
      input: (victim: TenantFixture) => unknown;
      ownTenantError?: "BAD_REQUEST";
      namesNoOtherTenantRow?: true;
    };

const cases: Record<string, Case> = {
  "auth.signUp": { kind: "public" },
  "auth.resendVerification": { kind: "public" },
  "auth.requestPasswordReset": { kind: "public" },
  "auth.resetPassword": { kind: "public" },
  "tenant.mine": { kind: "user" },
  "tenant.create": { kind: "user", input: () => ({ name: "Side Project", kind: "STORE" }) },
  "tenant.current": { kind: "tenant", input: () => undefined },
  "tenant.update": { kind: "tenant", input: () => ({ name: "Hijacked" }), namesNoOtherTenantRow: true },
  "overview.summary": { kind: "tenant", input: () => undefined },
  "connection.list": { kind: "tenant", input: () => undefined },
  "connection.byId": { kind: "tenant", input: (victim) => ({ id: victim.connection.id }) },
  "connection.resync": { kind: "tenant", input: (victim) => ({ id: victim.connection.id }) },
  "connection.syncRuns": { kind: "tenant", input: (victim) => ({ connectionId: victim.connection.id }) },
  "item.list": { kind: "tenant", input: (victim) => ({ search: victim.item.sku }) },
  "item.byId": { kind: "tenant", input: (victim) => ({ id: victim.item.id }) },
  "event.list": {
    kind: "tenant",
    input: (victim) => ({ filter: { connectionId: victim.connection.id, search: victim.item.sku } }),
  },
  "event.itemTimeline": { kind: "tenant", input: (victim) => ({ itemId: victim.item.id }) },
  "event.queue": { kind: "tenant", input: () => undefined },
  "event.rejected": { kind: "tenant", input: (victim) => ({ connectionId: victim.connection.id }) },
  "event.inngestRun": { kind: "tenant", input: (victim) => ({ id: victim.event.id }) },
  "event.replay": { kind: "tenant", input: (victim) => ({ ids: [victim.event.id] }) },
  "event.replayFailed": { kind: "tenant", input: (victim) => ({ connectionId: victim.connection.id }) },
  "event.byId": { kind: "tenant", input: (victim) => ({ id: victim.event.id }) },
  // The victim's event carries a stored request (beforeAll), so only tenancy stands in the way.
  "event.replayCommand": {
    kind: "tenant",
    input: (victim) => ({ id: victim.event.id, url: "https://receiver.example/hooks" }),
  },
  // Names no row: typing another tenant's slug into one's own danger zone is simply the wrong confirmation.
  "tenant.remove": {
    kind: "tenant",
    input: (victim) => ({ confirmSlug: victim.tenant.slug }),
    ownTenantError: "BAD_REQUEST",
  },
  "connection.create": {
    kind: "tenant",
    input: () => ({
      provider: "SAM",
      direction: "SOURCE",
      name: "Injected",
      baseUrl: "https://sam.example.com",
      credentials: { apiKey: "sam-key-12345" },
    }),
    namesNoOtherTenantRow: true,
  },
  // Tries credentials against an address the caller types; it names no stored row at all.
  "connection.testCredentials": {
    kind: "tenant",
    input: () => ({
      provider: "SAM",
      direction: "SOURCE",
      name: "Injected",
      baseUrl: "https://sam.example.com",
      credentials: { apiKey: "sam-key-12345" },
    }),
    namesNoOtherTenantRow: true,
  },
  "connection.update": { kind: "tenant", input: (victim) => ({ id: victim.connection.id, name: "Hijacked" }) },
  "connection.changeAddress": {
    kind: "tenant",
    input: (victim) => ({ id: victim.connection.id, baseUrl: "https://attacker.example.com" }),
  },
  "connection.remove": {
    kind: "tenant",
    input: (victim) => ({ id: victim.connection.id, confirmName: victim.connection.name }),
  },
  "connection.test": { kind: "tenant", input: (victim) => ({ id: victim.connection.id }) },
  "connection.syncProgress": { kind: "tenant", input: (victim) => ({ id: victim.connection.id }) },
  "connection.subscriptions": { kind: "tenant", input: (victim) => ({ id: victim.connection.id }) },
  "connection.checkSubscriptions": { kind: "tenant", input: (victim) => ({ id: victim.connection.id }) },
  "secret.list": { kind: "tenant", input: (victim) => ({ connectionId: victim.connection.id }) },
  "secret.rotate": { kind: "tenant", input: (victim) => ({ connectionId: victim.connection.id }) },
  "secret.revoke": { kind: "tenant", input: (victim) => ({ id: victim.secret.id }) },
  "secret.replaceCredentials": {
    kind: "tenant",
    input: (victim) => ({ connectionId: victim.connection.id, credentials: { apiKey: "stolen-key-123" } }),
  },
  "syncRun.list": { kind: "tenant", input: (victim) => ({ connectionId: victim.connection.id }) },
  "syncRun.byId": { kind: "tenant", input: (victim) => ({ id: victim.syncRun.id }) },
  "syncRun.cancel": { kind: "tenant", input: (victim) => ({ id: victim.syncRun.id }) },
  "member.list": { kind: "tenant", input: () => undefined },
  "member.invite": {
    kind: "tenant",
    input: () => ({ email: "intruder@example.com", role: "OWNER" }),
    namesNoOtherTenantRow: true,
  },
  "member.updateRole": { kind: "tenant", input: (victim) => ({ id: victim.membership.id, role: "VIEWER" }) },
  "member.remove": { kind: "tenant", input: (victim) => ({ id: victim.membership.id }) },
  "member.resendInvitation": { kind: "tenant", input: (victim) => ({ id: victim.membership.id }) },
  // The token is the capability, across tenants; who may use it is tested in src/server/accounts/accounts.test.ts.
  "member.acceptInvitation": { kind: "user", input: () => ({ token: "A".repeat(43) }) },
  "audit.list": { kind: "tenant", input: (victim) => ({ actorId: victim.user.id }) },
  "audit.facets": { kind: "tenant", input: () => undefined },
  "audit.accessLog": { kind: "tenant", input: () => undefined },
  "support.endImpersonation": { kind: "user" },
  "support.tenants": { kind: "staff", input: (victim) => ({ search: victim.tenant.slug }) },
  "support.current": { kind: "staff" },
  "support.activeSessions": { kind: "staff" },
  "support.startImpersonation": {
    kind: "staff",
    input: (victim) => ({ tenantId: victim.tenant.id, reason: "Customer asked for help" }),
  },
  "support.grantWriteAccess": { kind: "staff", input: () => ({ sessionId: "any-session" }) },
  "support.staff": { kind: "staff" },
  "support.setPlatformRole": { kind: "staff", input: (victim) => ({ email: victim.user.email, role: "ADMIN" }) },
  "support.auditLog": { kind: "staff", input: (victim) => ({ tenantId: victim.tenant.id }) },
  "support.auditFacets": { kind: "staff" },
  "webhookEndpoint.list": { kind: "tenant", input: () => undefined },
  "webhookEndpoint.deliveries": { kind: "tenant", input: () => ({ endpointId: victimOutbound.endpointId }) },
  "webhookEndpoint.delivery": { kind: "tenant", input: () => ({ id: victimOutbound.deliveryId }) },
  "webhookEndpoint.create": {
    kind: "tenant",
    input: () => ({ url: "https://93.184.216.34/hook", eventTypes: ["item.sold"] }),
    namesNoOtherTenantRow: true,
  },
  "webhookEndpoint.update": {
    kind: "tenant",
    input: () => ({ id: victimOutbound.endpointId, url: "https://93.184.216.34/stolen" }),
  },
  "webhookEndpoint.rotateSecret": { kind: "tenant", input: () => ({ id: victimOutbound.endpointId }) },
  "webhookEndpoint.remove": { kind: "tenant", input: () => ({ id: victimOutbound.endpointId }) },
  "webhookEndpoint.sendTest": { kind: "tenant", input: () => ({ id: victimOutbound.endpointId }) },
  "webhookEndpoint.resend": { kind: "tenant", input: () => ({ deliveryId: victimOutbound.deliveryId }) },
  "notifications.settings": { kind: "tenant", input: () => undefined },
  "notifications.update": {
    kind: "tenant",
    input: () => ({ emailEnabled: false, enabledKinds: [] }),
    namesNoOtherTenantRow: true,
  },
  "notifications.setSlackUrl": {
    kind: "tenant",
    input: () => ({ url: "https://93.184.216.34/services/stolen" }),
    namesNoOtherTenantRow: true,
  },
  "notifications.removeSlackUrl": { kind: "tenant", input: () => undefined, namesNoOtherTenantRow: true },
  "notifications.sendTest": { kind: "tenant", input: () => undefined, namesNoOtherTenantRow: true },
};

/** The victim's outbound webhook endpoint and one of its deliveries (made in beforeAll below). */
const victimOutbound = { endpointId: "", deliveryId: "" };

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" } }>;

function call(caller: ReturnType<typeof callerFor>, path: string, input: unknown): Promise<unknown> {
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (procedure as (input: unknown) => Promise<unknown>)(input);
}

/** The signature on the victim's stored request: what `event.replayCommand` would hand out. */
const VICTIM_SIGNATURE = "f".repeat(64);

function secretsOf(victim: TenantFixture): string[] {
  return [
    VICTIM_SIGNATURE,
    victim.tenant.id,
    victim.tenant.slug,
    victim.tenant.name,
    victim.connection.id,
    victim.item.id,
    victim.item.sku,
    victim.event.id,
    victim.user.email,
  ];
}

/** The same shape as a tenant fixture, with ids and names that exist nowhere. */
function ghostOf(fixture: TenantFixture): TenantFixture {
  const ghost = (kind: string) => `ghost${kind}${"0".repeat(20)}`;
  return {
    ...fixture,
    tenant: { ...fixture.tenant, id: ghost("tenant"), slug: "ghost-tenant", name: "Ghost Tenant" },
    user: { ...fixture.user, id: ghost("user"), email: "ghost@example.test" },
    membership: { ...fixture.membership, id: ghost("membership") },
    connection: { ...fixture.connection, id: ghost("connection"), name: "Ghost connection" },
    item: { ...fixture.item, id: ghost("item"), sku: "GHOST-SKU" },
    event: { ...fixture.event, id: ghost("event") },
    secret: { ...fixture.secret, id: ghost("secret") },
    syncRun: { ...fixture.syncRun, id: ghost("syncrun") },
  };
}

// Tenant a attacks, tenant b is the victim.
let victimBefore: Awaited<ReturnType<typeof snapshotOf>>;

/** Every row of the tenant an attacker could want to change, in full, in a stable order. */
async function snapshotOf(prisma: PrismaClient, tenantId: string) {
  const where = { tenantId };
  const byId = { orderBy: { id: "asc" as const } };
  return {
    tenant: await prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } }),
    connections: await prisma.connection.findMany({ where, ...byId }),
    secrets: await prisma.secret.findMany({ where, ...byId }),
    members: await prisma.membership.findMany({ where, ...byId }),
    items: await prisma.item.findMany({ where, ...byId }),
    itemLinks: await prisma.itemLink.findMany({ where, ...byId }),
    events: await prisma.webhookEvent.findMany({ where, ...byId }),
    syncRuns: await prisma.syncRun.findMany({ where, ...byId }),
    endpoints: await prisma.webhookEndpoint.findMany({ where, ...byId }),
    endpointSecrets: await prisma.webhookEndpointSecret.findMany({ where: { endpoint: { tenantId } }, ...byId }),
    deliveries: await prisma.outboundDelivery.findMany({ where, ...byId }),
    notificationSettings: await prisma.notificationSetting.findMany({ where, ...byId }),
  };
}

it.beforeAll(async ({ prisma, tenantB: victim }) => {
  await prisma.notificationSetting.create({
    data: { tenantId: victim.tenant.id, mutedKinds: ["events-failed"], slackHint: "hooks.example … 0001" },
  });
  const endpoint = await prisma.webhookEndpoint.create({
    data: { tenantId: victim.tenant.id, url: "https://93.184.216.34/victim", eventTypes: ["item.sold"] },
  });
  const event = await prisma.outboundEvent.create({
    data: { id: "evt_victim", tenantId: victim.tenant.id, type: "item.sold", payload: {} },
  });
  const delivery = await prisma.outboundDelivery.create({
    data: { tenantId: victim.tenant.id, endpointId: endpoint.id, eventId: event.id, state: "FAILED" },
  });
  Object.assign(victimOutbound, { endpointId: endpoint.id, deliveryId: delivery.id });
  await prisma.webhookEvent.update({
    where: { id: victim.event.id },
    data: {
      requestHeaders: { "content-type": "application/json", "x-sam-signature": VICTIM_SIGNATURE },
      rawBody: Buffer.from('{"event_id":"evt_victim"}'),
    },
  });
  victimBefore = await snapshotOf(prisma, victim.tenant.id);
});

const tenantPaths = Object.entries(cases)
  .filter(([, c]) => c.kind === "tenant")
  .map(([path]) => path);

describe("tenant isolation through every tRPC procedure", () => {
  it("has a case for every procedure of the app router", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(procedures).sort());
  });

  it.for(tenantPaths)(
    "%s: naming another tenant is FORBIDDEN, like naming no tenant at all",
    async (path, { prisma, tenantA: attacker, tenantB: victim }) => {
      const c = cases[path] as Extract<Case, { kind: "tenant" }>;
      const intoVictim = await errorOf(
        call(callerFor(prisma, attacker.user.id, victim.tenant.slug), path, c.input(victim)),
      );
      const intoNowhere = await errorOf(
        call(callerFor(prisma, attacker.user.id, "no-such-tenant"), path, c.input(victim)),
      );
      expect(intoVictim?.code).toBe("FORBIDDEN");
      expect(intoNowhere?.code).toBe("FORBIDDEN");
      expect(intoVictim?.message).toBe(intoNowhere?.message);
    },
  );

  it.for(tenantPaths)(
    "%s: another tenant's ids from inside one's own tenant find nothing",
    async (path, { prisma, tenantA: attacker, tenantB: victim }) => {
      const c = cases[path] as Extract<Case, { kind: "tenant" }>;
      const caller = callerFor(prisma, attacker.user.id, attacker.tenant.slug);
      let result: unknown;
      const error = await errorOf(call(caller, path, c.input(victim)).then((value) => (result = value)));
      if (error) {
        expect(error.code).toBe(c.ownTenantError ?? "NOT_FOUND");
        for (const secret of secretsOf(victim)) expect(error.message).not.toContain(secret);
      } else {
        // A mutation naming another tenant's row must refuse, not quietly succeed.
        const isMutation = procedures[path]!._def.type === "mutation";
        expect(isMutation && !c.namesNoOtherTenantRow, `${path} succeeded on another tenant's row`).toBe(false);
        const text = JSON.stringify(result);
        for (const secret of secretsOf(victim)) expect(text).not.toContain(secret);
      }
    },
  );

  it.for(tenantPaths)(
    "%s: another tenant's ids get exactly the answer ids that exist nowhere get",
    async (path, { prisma, tenantA: attacker, tenantB: victim }) => {
      const c = cases[path] as Extract<Case, { kind: "tenant" }>;
      const caller = callerFor(prisma, attacker.user.id, attacker.tenant.slug);
      const outcome = async (fixture: TenantFixture) => {
        const error = await errorOf(call(caller, path, c.input(fixture)));
        return error ? { code: error.code, message: error.message } : "succeeded";
      };
      expect(await outcome(victim)).toEqual(await outcome(ghostOf(victim)));
    },
  );

  it.for(
    Object.entries(cases)
      .filter(([, c]) => c.kind !== "public")
      .map(([path]) => path),
  )("%s: signed-out callers are UNAUTHORIZED", async (path, { prisma, tenantB: victim }) => {
    const c = cases[path]!;
    const input = c.kind === "public" ? undefined : c.input?.(victim);
    expect((await errorOf(call(callerFor(prisma, null, victim.tenant.slug), path, input)))?.code).toBe("UNAUTHORIZED");
  });

  it.for(
    Object.entries(cases)
      .filter(([, c]) => c.kind === "staff")
      .map(([path]) => path),
  )(
    "%s: a tenant owner who is not platform staff is FORBIDDEN and learns nothing",
    async (path, { prisma, tenantA: attacker, tenantB: victim }) => {
      const c = cases[path] as Extract<Case, { kind: "staff" }>;
      const error = await errorOf(
        call(callerFor(prisma, attacker.user.id, attacker.tenant.slug), path, c.input?.(victim)),
      );
      expect(error?.code).toBe("FORBIDDEN");
      for (const secret of secretsOf(victim)) expect(error?.message).not.toContain(secret);
      expect(await prisma.impersonationSession.count({ where: { staffUserId: attacker.user.id } })).toBe(0);
      expect((await prisma.user.findUniqueOrThrow({ where: { id: victim.user.id } })).platformRole).toBe("USER");
    },
  );

  it("tenant.mine lists only the caller's tenants", async ({ prisma, tenantA: attacker }) => {
    const mine = await callerFor(prisma, attacker.user.id).tenant.mine();
    expect(mine.map((t) => t.slug)).toEqual([attacker.tenant.slug]);
  });

  it("the victim's data is untouched after the attempts", async ({ prisma, tenantB: victim }) => {
    expect(await snapshotOf(prisma, victim.tenant.id)).toEqual(victimBefore);
  });
});

describe("roles", () => {
  const mutations = tenantPaths.filter((path) => procedures[path]!._def.type === "mutation");

  it.for(mutations)("%s: a VIEWER is FORBIDDEN to mutate", async (path, { prisma }) => {
    const viewer = await createTenantFixture(prisma, "viewer", "VIEWER");
    const c = cases[path] as Extract<Case, { kind: "tenant" }>;
    const error = await errorOf(call(callerFor(prisma, viewer.user.id, viewer.tenant.slug), path, c.input(viewer)));
    expect(error?.code).toBe("FORBIDDEN");
    expect(await prisma.auditLog.count({ where: { tenantId: viewer.tenant.id } })).toBe(0);
  });

  it("a VIEWER can still read everything", async ({ prisma }) => {
    const viewer = await createTenantFixture(prisma, "reader", "VIEWER");
    const caller = callerFor(prisma, viewer.user.id, viewer.tenant.slug);
    await expect(caller.connection.list()).resolves.toHaveLength(1);
    await expect(caller.tenant.current()).resolves.toMatchObject({ role: "VIEWER" });
  });

  it("a MEMBER cannot change tenant settings but an OWNER can, and it is audited", async ({
    prisma,
    tenantA: attacker,
  }) => {
    const member = await createTenantFixture(prisma, "member", "MEMBER");
    expect(
      (await errorOf(callerFor(prisma, member.user.id, member.tenant.slug).tenant.update({ name: "Renamed" })))?.code,
    ).toBe("FORBIDDEN");
    await callerFor(prisma, attacker.user.id, attacker.tenant.slug).tenant.update({
      name: "Renamed Gallery",
      safetyBuffer: 2,
    });
    const audit = await prisma.auditLog.findFirstOrThrow({
      where: { tenantId: attacker.tenant.id, action: "tenant.updated" },
    });
    expect(audit.actorId).toBe(attacker.user.id);
    expect(audit.summary).toMatchObject({ after: { name: "Renamed Gallery", safetyBuffer: 2 } });
  });
});

describe("a support session acting in a tenant", () => {
  const mutations = tenantPaths.filter((path) => procedures[path]!._def.type === "mutation");
  let supported: TenantFixture;
  let readOnly: { staffId: string; sessionId: string };
  let granted: { staffId: string; sessionId: string };
  const auditCount = (prisma: PrismaClient) => prisma.auditLog.count({ where: { tenantId: supported.tenant.id } });

  it.beforeAll(async ({ prisma }) => {
    supported = await createTenantFixture(prisma, "supported");
    const open = async (label: string) => {
      const staff = await createStaffUser(prisma, label);
      const session = await startImpersonation(prisma, {
        staffUserId: staff.id,
        tenantId: supported.tenant.id,
        reason: "Tenant reports missing stock updates",
        origin: {},
      });
      return { staffId: staff.id, sessionId: session.id };
    };
    readOnly = await open("reader");
    granted = await open("writer");
    const admin = await createStaffUser(prisma, "granting-admin", "ADMIN");
    await grantWriteAccess(prisma, granted.sessionId, admin.id, {});
  });

  it.for(mutations)("%s: refused while the session is read-only, and nothing is written", async (path, { prisma }) => {
    const c = cases[path] as Extract<Case, { kind: "tenant" }>;
    const before = await auditCount(prisma);
    const error = await errorOf(
      call(
        callerFor(prisma, readOnly.staffId, supported.tenant.slug, { impersonationId: readOnly.sessionId }),
        path,
        c.input(supported),
      ),
    );
    expect(error?.code).toBe("FORBIDDEN");
    expect(await auditCount(prisma)).toBe(before);
  });

  it.for(mutations.filter((path) => !WRITABLE_WITH_GRANT.has(path)))(
    "%s: refused even with write access granted (members, secrets, new connections, deletion)",
    async (path, { prisma }) => {
      const c = cases[path] as Extract<Case, { kind: "tenant" }>;
      const before = await auditCount(prisma);
      const error = await errorOf(
        call(
          callerFor(prisma, granted.staffId, supported.tenant.slug, { impersonationId: granted.sessionId }),
          path,
          c.input(supported),
        ),
      );
      expect(error?.code).toBe("FORBIDDEN");
      expect(await auditCount(prisma)).toBe(before);
    },
  );

  it("reads everything an owner reads, and the tenant and its members are untouched afterwards", async ({ prisma }) => {
    const caller = callerFor(prisma, readOnly.staffId, supported.tenant.slug, { impersonationId: readOnly.sessionId });
    await expect(caller.connection.list()).resolves.toHaveLength(1);
    await expect(caller.member.list()).resolves.toHaveLength(1);
    await expect(caller.secret.list({ connectionId: supported.connection.id })).resolves.toHaveLength(1);
    expect(await prisma.tenant.findUnique({ where: { id: supported.tenant.id } })).toMatchObject({
      name: supported.tenant.name,
    });
    expect(await prisma.membership.findMany({ where: { tenantId: supported.tenant.id } })).toEqual([
      supported.membership,
    ]);
  });

  it("with write access granted, an allowed change goes through and its audit row names the session", async ({
    prisma,
  }) => {
    await callerFor(prisma, granted.staffId, supported.tenant.slug, {
      impersonationId: granted.sessionId,
    }).tenant.update({ safetyBuffer: 1 });
    const row = await prisma.auditLog.findFirstOrThrow({
      where: { tenantId: supported.tenant.id, action: "tenant.updated" },
    });
    expect(row).toMatchObject({
      actorId: granted.staffId,
      impersonatorId: granted.staffId,
      impersonationSessionId: granted.sessionId,
    });
  });

  it("a session for one tenant opens no other tenant", async ({ prisma, tenantB: victim }) => {
    const error = await errorOf(
      callerFor(prisma, readOnly.staffId, victim.tenant.slug, { impersonationId: readOnly.sessionId }).connection.byId({
        id: victim.connection.id,
      }),
    );
    expect(error?.code).toBe("FORBIDDEN");
  });
});

describe("resync", () => {
  it("sends one reconcile request for a source and refuses a second while it runs", async ({ prisma }) => {
    const sent: unknown[] = [];
    const member = await createTenantFixture(prisma, "resync", "MEMBER");
    const caller = createCaller(
      createTRPCContext({
        headers: new Headers({ [TENANT_HEADER]: member.tenant.slug }),
        prisma,
        session: { user: { id: member.user.id } },
        sendEvent: async (event) => void sent.push(event),
      }),
    );
    await expect(caller.connection.resync({ id: member.connection.id })).resolves.toMatchObject({ requested: true });
    expect(sent).toEqual([
      {
        name: "stock/reconcile.requested",
        data: { tenantId: member.tenant.id, connectionId: member.connection.id, mode: "full", trigger: "MANUAL" },
      },
    ]);
    await prisma.syncRun.create({
      data: { tenantId: member.tenant.id, connectionId: member.connection.id, trigger: "MANUAL", status: "RUNNING" },
    });
    await expect(caller.connection.syncProgress({ id: member.connection.id })).resolves.toMatchObject({
      running: true,
      latest: { status: "RUNNING" },
    });
    expect((await errorOf(caller.connection.resync({ id: member.connection.id })))?.code).toBe("CONFLICT");
    expect(await prisma.auditLog.count({ where: { tenantId: member.tenant.id, action: "connection.resync" } })).toBe(1);
  });
});

describe("cancel a reconcile", () => {
  it("a member cancels a running run once: CANCELLED with who pressed it, Inngest told, audited", async ({
    prisma,
  }) => {
    const sent: unknown[] = [];
    const member = await createTenantFixture(prisma, "cancel", "MEMBER");
    const caller = createCaller(
      createTRPCContext({
        headers: new Headers({ [TENANT_HEADER]: member.tenant.slug }),
        prisma,
        session: { user: { id: member.user.id } },
        sendEvent: async (event) => void sent.push(event),
      }),
    );
    const run = await prisma.syncRun.create({
      data: {
        tenantId: member.tenant.id,
        connectionId: member.connection.id,
        trigger: "MANUAL",
        status: "RUNNING",
        errorCount: 1,
        lastError: "platform down",
        nextAttemptAt: new Date(Date.now() + 60_000),
      },
    });
    await caller.syncRun.cancel({ id: run.id });
    expect(await prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: "CANCELLED",
      cancelledById: member.user.id,
      nextAttemptAt: null,
      finishedAt: expect.any(Date),
    });
    expect(sent).toEqual([
      {
        name: "stock/reconcile.cancelled",
        data: { tenantId: member.tenant.id, connectionId: member.connection.id, syncRunId: run.id },
      },
    ]);
    await expect(caller.syncRun.byId({ id: run.id })).resolves.toMatchObject({
      run: { status: "CANCELLED", cancelledBy: { email: member.user.email } },
    });
    // A second press (or a run that finished meanwhile) is refused and changes nothing.
    expect((await errorOf(caller.syncRun.cancel({ id: run.id })))?.code).toBe("CONFLICT");
    expect(sent).toHaveLength(1);
    expect(await prisma.auditLog.count({ where: { tenantId: member.tenant.id, action: "sync_run.cancelled" } })).toBe(
      1,
    );
  });

  it("a viewer cannot cancel, and a run of another tenant is not found", async ({ prisma, tenantA: attacker }) => {
    const victim = await createTenantFixture(prisma, "cancel-victim");
    const viewer = await createTenantFixture(prisma, "cancel-viewer", "VIEWER");
    const run = await prisma.syncRun.create({
      data: { tenantId: viewer.tenant.id, connectionId: viewer.connection.id, trigger: "MANUAL", status: "RUNNING" },
    });
    const refused = await errorOf(callerFor(prisma, viewer.user.id, viewer.tenant.slug).syncRun.cancel({ id: run.id }));
    expect(refused?.code).toBe("FORBIDDEN");
    expect((await prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("RUNNING");

    const victimRun = await prisma.syncRun.create({
      data: { tenantId: victim.tenant.id, connectionId: victim.connection.id, trigger: "MANUAL", status: "RUNNING" },
    });
    const crossTenant = await errorOf(
      callerFor(prisma, attacker.user.id, attacker.tenant.slug).syncRun.cancel({ id: victimRun.id }),
    );
    expect(crossTenant?.code).toBe("NOT_FOUND");
    expect((await prisma.syncRun.findUniqueOrThrow({ where: { id: victimRun.id } })).status).toBe("RUNNING");
  });
});
