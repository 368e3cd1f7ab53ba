import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Prisma } from "@/generated/prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulator, connectorConfigFor, type Simulator } from "@/sim";
import { eventually, startStack, type Stack } from "../integration/harness";
import { createShopTenant, postDelivery, signedSamDelivery, type ShopTenant } from "../integration/fixtures";
import { buildCorpus } from "./corpus";
import { findPlaintextSecrets, SHORT, stackSecrets, stockChangesPerEvent, waitUntilFinal } from "./common";
import { rawRequest } from "./raw-http";

/** Duplicate storms, a corpus of bad requests, fuzzed payloads — then a scan for leaked secrets. */
let stack: Stack;
let sim: Simulator;
let tenant: ShopTenant;
let appPid: number | undefined;
const logFile = join(mkdtempSync(join(tmpdir(), "stockhook-reliability-")), "stack.log");
/** Every response body the suite saw, for the secrets scan. */
const responses: string[] = [];
const ITEMS = 120;

beforeAll(async () => {
  [stack, sim] = await Promise.all([startStack({ logFile }), createSimulator()]);
  tenant = await createShopTenant(stack, sim, { items: ITEMS });
  appPid = stack.app.pid();
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  await sim?.close();
});

describe("duplicate storms", () => {
  it("processes each delivery once when it arrives five times at once", async () => {
    const deliveries = SHORT ? 20 : 100;
    const originals: string[] = [];
    const all: string[] = [];
    for (let start = 0; start < deliveries; start += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, deliveries - start) }, async (_, offset) => {
          const index = start + offset;
          const view = sim.controls.items(tenant.samStoreKey, { offset: index, limit: 1 })[0]!;
          // A new quantity, so applying it makes exactly one stock change.
          const delivery = signedSamDelivery(tenant.signingSecret, { eventId: `storm-${randomUUID()}`, samId: tenant.samIdOf(index), stock: view.quantity + 7 });
          const answers = await Promise.all(Array.from({ length: 5 }, () => postDelivery(tenant.webhookUrl, delivery)));
          responses.push(...answers.map((answer) => answer.text));
          expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
          expect(answers.filter((answer) => answer.result === "QUEUED")).toHaveLength(1);
          expect(answers.filter((answer) => answer.result === "DUPLICATE")).toHaveLength(4);
          originals.push(answers.find((answer) => answer.result === "QUEUED")!.id!);
          all.push(...answers.map((answer) => answer.id!));
        }),
      );
    }
    const rows = await waitUntilFinal(stack, all, 120_000);
    expect(rows.filter((row) => row.status === "DUPLICATE")).toHaveLength(deliveries * 4);
    expect(rows.filter((row) => row.status === "APPLIED").map((row) => row.id).sort()).toEqual([...originals].sort());
    const changes = await stockChangesPerEvent(stack, all);
    expect([...changes.keys()].sort()).toEqual([...originals].sort());
    expect([...changes.values()].every((count) => count === 1)).toBe(true);
    // An event is APPLIED before its channel pushes finish; each original gets exactly one push.
    const pushes = await eventually("every original's push to finish", async () => {
      const rows = await stack.prisma.channelPush.groupBy({ by: ["webhookEventId"], where: { webhookEventId: { in: all }, state: "SUCCEEDED" }, _count: true });
      return rows.length === deliveries ? rows : undefined;
    }, 60_000);
    expect(await stack.prisma.channelPush.count({ where: { webhookEventId: { in: all } } })).toBe(deliveries);
    expect(pushes.every((push) => push._count === 1)).toBe(true);
  });
});

describe("bad input", () => {
  it("answers a corpus of 200+ malformed and hostile requests without a 5xx, logging each it can attribute", async () => {
    const corpus = buildCorpus(tenant.slug, tenant.samConnectionId, tenant.signingSecret);
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    const started = new Date();
    const answers: { name: string; status: number; reaches: boolean }[] = [];
    for (let i = 0; i < corpus.length; i += 4) {
      await Promise.all(
        corpus.slice(i, i + 4).map(async (request) => {
          const answer = await rawRequest(stack.appUrl, request);
          responses.push(answer.body);
          answers.push({ name: request.name, status: answer.status, reaches: request.reachesConnection || (request.mayCloseEarly === true && answer.status !== 0) });
        }),
      );
    }
    const byStatus = answers.reduce<Record<number, number>>((counts, answer) => ({ ...counts, [answer.status]: (counts[answer.status] ?? 0) + 1 }), {});
    console.log(`[reliability] bad input: ${corpus.length} requests answered ${JSON.stringify(byStatus)}`);
    expect(answers.filter((answer) => answer.status >= 500).map((answer) => `${answer.status} ${answer.name}`)).toEqual([]);
    // Closing without an answer is acceptable only where the HTTP server itself refuses (a lying
    // Content-Length, oversized headers), never for a request our handler reads.
    expect(answers.filter((answer) => answer.status === 0 && answer.reaches).map((answer) => answer.name)).toEqual([]);

    // Every request that reached the connection left a row in its event log with the answer given.
    const attributable = answers.filter((answer) => answer.reaches && answer.status !== 431);
    const expected = attributable.reduce<Record<number, number>>((counts, answer) => ({ ...counts, [answer.status]: (counts[answer.status] ?? 0) + 1 }), {});
    // Waits for the log to hold them (a row written after the answer lands a moment later); on
    // timeout the comparison below names the difference.
    const loggedCounts = async () => Object.fromEntries((await stack.prisma.webhookEvent.groupBy({ by: ["responseStatus"], where: { connectionId: tenant.samConnectionId, receivedAt: { gte: started } }, _count: true })).map((row) => [row.responseStatus, row._count]));
    await eventually("the event log to hold every attributable request", async () => (JSON.stringify(await loggedCounts()) === JSON.stringify(expected) ? true : undefined), 30_000).catch(() => undefined);
    expect(await loggedCounts()).toEqual(expected);
    // Rejected payloads are never stored; the bad signatures' rows keep only a hash.
    const rejectedWithPayload = await stack.prisma.webhookEvent.count({ where: { connectionId: tenant.samConnectionId, status: "REJECTED", payload: { not: Prisma.DbNull } } });
    expect(rejectedWithPayload).toBe(0);
    expect(stack.app.pid()).toBe(appPid);
    expect((await fetch(`${stack.appUrl}/api/health`)).status).toBe(200);
  });

  it("never answers 5xx to fuzzed payloads, signed or not (fast-check)", async () => {
    const jsonish = fc.jsonValue({ maxDepth: 4 });
    const samShaped = fc.record({
      event_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      type: fc.oneof(fc.constant("stock.changed"), fc.string()),
      occurred_at: fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string()),
      data: fc.record({ sam_id: fc.oneof(fc.integer(), fc.string(), jsonish), stock: fc.oneof(fc.integer(), fc.double(), fc.string()), status: fc.string(), reason: fc.string() }, { requiredKeys: [] }),
    });
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonish.map((value) => JSON.stringify(value) ?? ""), samShaped.map((value) => JSON.stringify(value)), fc.string({ unit: "binary" })), fc.boolean(), async (body, signed) => {
        const delivery = signed ? signedSamDelivery(tenant.signingSecret, { eventId: "x", samId: 1, stock: 1 }) : { headers: { "content-type": "application/json" }, body: "" };
        const headers = signed ? { ...delivery.headers, "x-sam-signature": (await import("node:crypto")).createHmac("sha256", tenant.signingSecret).update(body).digest("hex") } : delivery.headers;
        const answer = await postDelivery(tenant.webhookUrl, { headers, body });
        responses.push(answer.text);
        statuses.push(answer.status);
        return answer.status < 500;
      }),
      { numRuns: SHORT ? 100 : 500 },
    );
    console.log(`[reliability] HTTP fuzz: ${statuses.length} requests, statuses ${[...new Set(statuses)].sort().join(", ")}`);
    expect(stack.app.pid()).toBe(appPid);
  });
});

/** What the dashboard's API answers an owner of the tenant, through the same tRPC routers. */
async function dashboardAnswers(): Promise<string[]> {
  // The routers read the validated environment: the stack's own, not a developer's.
  Object.assign(process.env, { AUTH_SECRET: stack.env.AUTH_SECRET, STOCKHOOK_ENCRYPTION_KEYS: stack.env.STOCKHOOK_ENCRYPTION_KEYS, APP_URL: stack.appUrl, DATABASE_URL: stack.env.DATABASE_URL });
  const { createCaller } = await import("@/server/api/root");
  const { createTRPCContext, TENANT_HEADER } = await import("@/server/api/trpc");
  const user = await stack.prisma.user.create({ data: { email: `owner-${randomUUID()}@example.test`, name: "Owner" } });
  await stack.prisma.membership.create({ data: { tenantId: tenant.tenantId, userId: user.id, role: "OWNER" } });
  const caller = createCaller(createTRPCContext({ headers: new Headers({ [TENANT_HEADER]: tenant.slug }), prisma: stack.prisma, session: { user: { id: user.id } } }));
  const connectionIds = [tenant.samConnectionId, tenant.wooConnectionId!];
  const answers: unknown[] = [await caller.connection.list(), await caller.event.list({}), await caller.overview.summary()];
  for (const id of connectionIds) answers.push(await caller.connection.byId({ id }), await caller.secret.list({ connectionId: id }));
  return answers.map((answer) => JSON.stringify(answer));
}

describe("secrets", () => {
  it("leaves no plaintext secret in the app's log, the responses, the dashboard API's answers, the event log or any table", async () => {
    responses.push(...(await dashboardAnswers()));
    const sam = connectorConfigFor(sim.stores.require(tenant.samStoreKey), sim.url).credentials as Record<string, string>;
    const woo = connectorConfigFor(sim.stores.require(tenant.wooStoreKey!), sim.url).credentials as Record<string, string>;
    const secrets = [tenant.signingSecret, ...Object.values(sam), ...Object.values(woo), ...stackSecrets(stack)].filter((value) => typeof value === "string");
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    expect(await findPlaintextSecrets(stack, secrets, { logFile, responses })).toEqual([]);
  });
});
