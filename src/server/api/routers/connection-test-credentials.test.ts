import type { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTenantFixture, errorOf, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";

/**
 * The wizard checks API credentials before it creates anything: a wrong key is refused in the
 * details step, a right one passes, and the check obeys the outbound address rules.
 */
let database: TestDatabase;
let owner: TenantFixture;
let memberId: string;
let sam: Receiver;
const GOOD_KEY = "sam-key-good-12345";

const fieldOf = (error: TRPCError | undefined) =>
  (error?.cause as { validation?: { issues: { path: PropertyKey[] }[] } } | undefined)?.validation?.issues[0]?.path;
const asOwner = () => callerFor(database.prisma, owner.user.id, owner.tenant.slug);

beforeAll(async () => {
  database = await createTestDatabase();
  owner = await createTenantFixture(database.prisma, "cred");
  const member = await database.prisma.user.create({ data: { email: "member@cred.test", name: "Member" } });
  await database.prisma.membership.create({ data: { tenantId: owner.tenant.id, userId: member.id, role: "MEMBER" } });
  memberId = member.id;
  // A SAM API that knows one key: the cheapest authenticated call is GET /products?limit=1.
  sam = await startReceiver((request, response) => {
    if (request.headers.authorization !== `Bearer ${GOOD_KEY}`)
      return response.writeHead(401, { "content-type": "application/json" }).end('{"error":"unauthorized"}');
    response.writeHead(200, { "content-type": "application/json" }).end('{"data":[],"next_cursor":null}');
  });
});
afterEach(() => {
  delete process.env.OUTBOUND_ALLOW_LIST;
});
afterAll(async () => {
  await sam?.close();
  await database?.close();
});

const check = (apiKey: string, baseUrl = sam.url) =>
  asOwner().connection.testCredentials({
    provider: "SAM",
    direction: "SOURCE",
    name: "SAM check",
    baseUrl,
    credentials: { apiKey },
  });

describe("connection.testCredentials", () => {
  it("refuses a wrong key in words, and writes nothing", async () => {
    process.env.OUTBOUND_ALLOW_LIST = `127.0.0.1:${sam.port}`;
    const before = await database.prisma.connection.count();
    const result = await check("sam-key-wrong-12345");
    expect(result.ok).toBe(false);
    expect(result.ok ? null : result.reason).toBe("bad_credentials");
    expect(await database.prisma.connection.count()).toBe(before);
  });

  it("passes the right key", async () => {
    process.env.OUTBOUND_ALLOW_LIST = `127.0.0.1:${sam.port}`;
    const result = await check(GOOD_KEY);
    expect(result.ok).toBe(true);
  });

  it("never calls an address the outbound rules refuse, and says so on the address field", async () => {
    const calls = sam.received.length;
    const error = await errorOf(check(GOOD_KEY));
    expect(error?.code).toBe("BAD_REQUEST");
    expect(fieldOf(error)).toEqual(["baseUrl"]);
    expect((await errorOf(check(GOOD_KEY, "http://169.254.169.254/latest")))?.code).toBe("BAD_REQUEST");
    expect(sam.received.length).toBe(calls);
  });

  it("is for owners and admins, like creating a connection", async () => {
    process.env.OUTBOUND_ALLOW_LIST = `127.0.0.1:${sam.port}`;
    const calls = sam.received.length;
    const error = await errorOf(
      callerFor(database.prisma, memberId, owner.tenant.slug).connection.testCredentials({
        provider: "SAM",
        direction: "SOURCE",
        name: "SAM check",
        baseUrl: sam.url,
        credentials: { apiKey: GOOD_KEY },
      }),
    );
    expect(error?.code).toBe("FORBIDDEN");
    expect(sam.received.length).toBe(calls);
  });
});
