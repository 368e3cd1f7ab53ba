import type { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { impersonationRefusal } from "@/server/support/impersonation";
import { callerFor, createTenantFixture, errorOf, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";

/**
 * Issue 17, items 1 and 2 at the API: where a connection points is judged by the outbound
 * address rules when it is saved, and only an OWNER/ADMIN may change it, which revokes the
 * stored API credentials so they never reach the new address.
 */
let database: TestDatabase;
let owner: TenantFixture;
let memberId: string;
let attacker: Receiver;
const API_KEY = "sam-key-stolen-12345";

/** The field the form shows the error next to. */
const fieldOf = (error: TRPCError | undefined) =>
  (error?.cause as { validation?: { issues: { path: PropertyKey[] }[] } } | undefined)?.validation?.issues[0]?.path;

const asOwner = () => callerFor(database.prisma, owner.user.id, owner.tenant.slug);
const asMember = () => callerFor(database.prisma, memberId, owner.tenant.slug);

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await createTenantFixture(database.prisma, "addr");
  const member = await database.prisma.user.create({ data: { email: "member@addr.test", name: "Member" } });
  await database.prisma.membership.create({ data: { tenantId: owner.tenant.id, userId: member.id, role: "MEMBER" } });
  memberId = member.id;
  attacker = await startReceiver((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
});
afterEach(() => {
  delete process.env.OUTBOUND_ALLOW_LIST;
});
afterAll(async () => {
  await attacker?.close();
  await database?.close();
});

async function samConnection(baseUrl = "https://sam.example.com") {
  return asOwner().connection.create({
    provider: "SAM",
    direction: "SOURCE",
    name: `SAM ${Math.random().toString(36).slice(2, 8)}`,
    baseUrl,
    credentials: { apiKey: API_KEY },
  });
}

describe("connection addresses obey the outbound address rules when saved", () => {
  it.each([
    "http://127.0.0.1:9/sam",
    "https://169.254.169.254/latest",
    "https://[::127.0.0.1]/",
    "https://10.0.0.8/",
    "http://sam.example.com",
  ])("create refuses %s with an error on the baseUrl field", async (baseUrl) => {
    const error = await errorOf(samConnection(baseUrl));
    expect(error?.code).toBe("BAD_REQUEST");
    expect(fieldOf(error)).toEqual(["baseUrl"]);
    expect(await database.prisma.connection.count({ where: { baseUrl } })).toBe(0);
  });

  it("create refuses a Business Central token URL inside the network, on the tokenUrl field", async () => {
    const error = await errorOf(
      asOwner().connection.create({
        provider: "BUSINESS_CENTRAL",
        direction: "SOURCE",
        name: "BC",
        baseUrl: "https://api.businesscentral.dynamics.com",
        credentials: {
          tenantId: "t",
          companyId: "c",
          clientId: "id",
          clientSecret: "client-secret-1",
          tokenUrl: "http://169.254.169.254/token",
        },
      }),
    );
    expect(error?.code).toBe("BAD_REQUEST");
    expect(fieldOf(error)).toEqual(["tokenUrl"]);
  });

  it("replacing credentials refuses a token URL inside the network, and keeps the stored ones", async () => {
    const bc = { tenantId: "t", companyId: "c", clientId: "id", clientSecret: "client-secret-1" };
    const { id } = await asOwner().connection.create({
      provider: "BUSINESS_CENTRAL",
      direction: "SOURCE",
      name: "BC replace",
      baseUrl: "https://api.businesscentral.dynamics.com",
      credentials: { ...bc, tokenUrl: "https://login.microsoftonline.com/t/oauth2/v2.0/token" },
    });
    const error = await errorOf(
      asOwner().secret.replaceCredentials({
        connectionId: id,
        credentials: { ...bc, tokenUrl: "http://[::ffff:169.254.169.254]/token" },
      }),
    );
    expect(error?.code).toBe("BAD_REQUEST");
    expect(fieldOf(error)).toEqual(["tokenUrl"]);
    expect(
      await database.prisma.secret.count({ where: { connectionId: id, purpose: "API_CREDENTIAL", revokedAt: null } }),
    ).toBe(1);
  });

  it("changeAddress refuses an internal address too", async () => {
    const { id } = await samConnection();
    const error = await errorOf(asOwner().connection.changeAddress({ id, baseUrl: "http://127.0.0.1:6379/" }));
    expect(error?.code).toBe("BAD_REQUEST");
    expect((await database.prisma.connection.findUniqueOrThrow({ where: { id } })).baseUrl).toBe(
      "https://sam.example.com",
    );
  });
});

describe("a MEMBER cannot send the stored credentials to their own server", () => {
  it("update refuses a new baseUrl, and Test still calls the address the owner set", async () => {
    // The attacker's server is reachable (named on the allow-list), so only the role rule stands in the way.
    process.env.OUTBOUND_ALLOW_LIST = `127.0.0.1:${attacker.port}`;
    const { id } = await samConnection();
    const error = await errorOf(asMember().connection.update({ id, baseUrl: attacker.url } as never));
    expect(error?.code).toBe("BAD_REQUEST");
    await asMember().connection.test({ id });
    expect(attacker.received).toHaveLength(0);
    expect((await database.prisma.connection.findUniqueOrThrow({ where: { id } })).baseUrl).toBe(
      "https://sam.example.com",
    );
  });

  it("changeAddress is for owners and admins only", async () => {
    process.env.OUTBOUND_ALLOW_LIST = `127.0.0.1:${attacker.port}`;
    const { id } = await samConnection();
    expect((await errorOf(asMember().connection.changeAddress({ id, baseUrl: attacker.url })))?.code).toBe("FORBIDDEN");
    expect(attacker.received).toHaveLength(0);
  });

  it("an owner's change revokes the stored credentials, is audited, and Test sends nothing to the new address", async () => {
    process.env.OUTBOUND_ALLOW_LIST = `127.0.0.1:${attacker.port}`;
    const { id } = await samConnection();
    await expect(asOwner().connection.changeAddress({ id, baseUrl: attacker.url })).resolves.toMatchObject({
      changed: true,
      credentialsRevoked: 1,
    });
    expect(
      await database.prisma.secret.count({ where: { connectionId: id, purpose: "API_CREDENTIAL", revokedAt: null } }),
    ).toBe(0);
    const audit = await database.prisma.auditLog.findFirstOrThrow({
      where: { action: "connection.address_changed", target: `connection:${id}` },
    });
    expect(audit.summary).toMatchObject({
      before: "https://sam.example.com",
      after: attacker.url,
      credentialsRevoked: 1,
    });
    expect(await asOwner().connection.test({ id })).toMatchObject({ ok: false, reason: "bad_credentials" });
    expect(attacker.received).toHaveLength(0);
  });

  it("a support session with a write grant cannot change where a connection points", () => {
    const session = { writeAccess: true, tenant: { id: "t", slug: "t", name: "T", kind: "GALLERY" as const } };
    expect(impersonationRefusal("connection.changeAddress", session)).not.toBeNull();
    expect(impersonationRefusal("connection.update", session)).toBeNull();
  });
});
