import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createTRPCContext, TENANT_HEADER } from "@/server/api/trpc";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";

let database: TestDatabase;
let owner: TenantFixture;
const sent: { name: string; data: Record<string, unknown>; id?: string }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await createTenantFixture(database.prisma, "hooks", "OWNER");
});
afterAll(() => database?.close());

function callerAs(fixture: TenantFixture) {
  return createCaller(
    createTRPCContext({
      headers: new Headers({ [TENANT_HEADER]: fixture.tenant.slug }),
      prisma: database.prisma,
      session: { user: { id: fixture.user.id } },
      sendEvent: async (event) => void sent.push(event),
    }),
  );
}

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof TRPCError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

describe("webhookEndpoint router", () => {
  it("creates an endpoint, shows the whsec_ secret once, lists metadata only, and audits", async () => {
    const caller = callerAs(owner);
    const created = await caller.webhookEndpoint.create({
      url: "https://93.184.216.34/hooks",
      description: "ERP",
      eventTypes: ["item.sold", "inventory.updated", "item.sold"],
    });
    expect(created.plaintext).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.endpoint).toMatchObject({
      url: "https://93.184.216.34/hooks",
      eventTypes: ["item.sold", "inventory.updated"],
      enabled: true,
    });
    const listed = await caller.webhookEndpoint.list();
    expect(JSON.stringify(listed)).not.toContain(created.plaintext.slice(6, 20));
    expect(listed[0]).toMatchObject({
      secrets: [{ last4: created.plaintext.slice(-4) }],
      deliveries24h: { succeeded: 0, failed: 0, pending: 0 },
    });
    expect(JSON.stringify(listed)).not.toMatch(/ciphertext|authTag/);
    const audit = await database.prisma.auditLog.findFirstOrThrow({
      where: { tenantId: owner.tenant.id, action: "webhook_endpoint.created" },
    });
    expect(JSON.stringify(audit.summary)).not.toContain(created.plaintext);
  });

  it.each([
    ["http://127.0.0.1:8080/hook", "Use an https:// URL"],
    ["https://127.0.0.1/hook", "127.0.0.1 is a loopback address: Stockhook only calls public addresses"],
    ["https://10.0.0.7/hook", "10.0.0.7 is a private address: Stockhook only calls public addresses"],
    [
      "https://169.254.169.254/latest/meta-data",
      "169.254.169.254 is a link-local address: Stockhook only calls public addresses",
    ],
    ["https://localhost/hook", "localhost"],
  ])("refuses %s with a clear 400 and writes nothing", async (url, message) => {
    const before = await database.prisma.webhookEndpoint.count();
    const code = await codeOf(callerAs(owner).webhookEndpoint.create({ url, eventTypes: ["item.sold"] }));
    expect(code).toContain("BAD_REQUEST");
    expect(code).toContain(message);
    expect(await database.prisma.webhookEndpoint.count()).toBe(before);
  });

  it("refuses an empty event selection", async () => {
    expect(
      await codeOf(callerAs(owner).webhookEndpoint.create({ url: "https://93.184.216.34/x", eventTypes: [] })),
    ).toContain("BAD_REQUEST");
  });

  it("members and viewers see endpoints but cannot manage them", async () => {
    for (const role of ["MEMBER", "VIEWER"] as const) {
      const fixture = await createTenantFixture(database.prisma, role.toLowerCase(), role);
      await database.prisma.webhookEndpoint.create({
        data: { tenantId: fixture.tenant.id, url: "https://93.184.216.34/x", eventTypes: ["item.sold"] },
      });
      await expect(callerAs(fixture).webhookEndpoint.list()).resolves.toHaveLength(1);
      expect(
        await codeOf(
          callerAs(fixture).webhookEndpoint.create({ url: "https://93.184.216.34/y", eventTypes: ["item.sold"] }),
        ),
      ).toMatch(/^FORBIDDEN/);
    }
  });

  it("sends a test event to one endpoint and resends a finished delivery under the same event id", async () => {
    const caller = callerAs(owner);
    const [endpoint] = await caller.webhookEndpoint.list();
    sent.length = 0;
    const test = await caller.webhookEndpoint.sendTest({ id: endpoint!.id });
    expect(sent).toEqual([
      { name: "outbound/delivery.requested", data: { ...test, manual: true }, id: test.deliveryId },
    ]);
    const [delivery] = await caller.webhookEndpoint.deliveries({ endpointId: endpoint!.id });
    expect(delivery).toMatchObject({ state: "PENDING", event: { type: "webhook.test" } });
    expect(await codeOf(caller.webhookEndpoint.resend({ deliveryId: delivery!.id }))).toMatch(/^CONFLICT/);
    expect(await caller.webhookEndpoint.delivery({ id: delivery!.id })).toMatchObject({
      event: { type: "webhook.test", payload: { type: "webhook.test", data: { endpointId: endpoint!.id } } },
      attemptLog: [],
    });
    await database.prisma.outboundDelivery.update({ where: { id: delivery!.id }, data: { state: "FAILED" } });
    await caller.webhookEndpoint.resend({ deliveryId: delivery!.id });
    expect(sent[1]).toMatchObject({
      name: "outbound/delivery.requested",
      data: { deliveryId: delivery!.id, manual: true },
    });
    expect(
      await database.prisma.auditLog.count({
        where: { tenantId: owner.tenant.id, action: { in: ["webhook_endpoint.test_sent", "webhook_endpoint.resent"] } },
      }),
    ).toBe(2);
  });

  it("an endpoint Stockhook switched off is a critical alert on the Overview until it is enabled again", async () => {
    const caller = callerAs(owner);
    const [endpoint] = await caller.webhookEndpoint.list();
    await database.prisma.webhookEndpoint.update({
      where: { id: endpoint!.id },
      data: { enabled: false, disabledReason: "The receiver answered 410 Gone", failingSince: new Date() },
    });
    const { alerts } = await caller.overview.summary();
    expect(alerts).toContainEqual(
      expect.objectContaining({
        severity: "critical",
        title: `Webhook endpoint ${endpoint!.url} was switched off`,
        link: { path: "/webhooks", label: "Open webhooks" },
      }),
    );
    const updated = await caller.webhookEndpoint.update({
      id: endpoint!.id,
      enabled: true,
      description: "ERP (fixed)",
    });
    expect(updated).toMatchObject({
      enabled: true,
      disabledReason: null,
      failingSince: null,
      description: "ERP (fixed)",
    });
    expect((await caller.overview.summary()).alerts.filter((alert) => alert.link)).toEqual([]);
  });

  it("rotates the secret (new plaintext once) and deletes with an audit row", async () => {
    const caller = callerAs(owner);
    const [endpoint] = await caller.webhookEndpoint.list();
    const rotated = await caller.webhookEndpoint.rotateSecret({ id: endpoint!.id, graceHours: 1 });
    expect(rotated.plaintext).toMatch(/^whsec_/);
    expect((await caller.webhookEndpoint.list())[0]!.secrets).toHaveLength(2);
    await caller.webhookEndpoint.remove({ id: endpoint!.id });
    expect(await database.prisma.webhookEndpoint.count({ where: { id: endpoint!.id } })).toBe(0);
    expect(
      await database.prisma.auditLog.count({
        where: {
          tenantId: owner.tenant.id,
          action: { in: ["webhook_endpoint.secret_rotated", "webhook_endpoint.deleted"] },
        },
      }),
    ).toBe(2);
  });
});
