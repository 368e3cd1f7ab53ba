import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSimulator, type Simulator } from "@sim";
import { eventually, startStack, type Stack } from "../integration/harness";
import { parseKeyring } from "@/server/crypto/secret-box";
import { storeSecret } from "@/server/crypto/secret-store";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { createShopTenant, signedSamDelivery, type ShopTenant } from "../integration/fixtures";
import { SHORT, stockChangesPerEvent, waitUntilFinal, startDriftedReconcile } from "./common";

/**
 * The production layout: two `next start` processes behind HAProxy (round robin), on
 * `inngest start` (queue and run state in Redis, history in PostgreSQL), Inngest calling the app
 * through the balancer. What must hold with one instance must hold with two: every acknowledged
 * webhook applied once, a killed instance costing nothing, caches honouring changes made
 * elsewhere within their documented window, limits and dedup counted across instances.
 */
let stack: Stack;
let sim: Simulator;
const tenants: ShopTenant[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const logFile = join(mkdtempSync(join(tmpdir(), "stockhook-multi-")), "stack.log");
/**
 * The per-connection limit the stack runs with: 4/s, bursts of 20 (a window of 20 per 5 s), low
 * enough that even a starved machine sends faster than one instance's share. The bursts are spread
 * over TENANTS connections to stay under it.
 */
const PER_SECOND = 4;
const TENANTS = 12;
const BURST = PER_SECOND * 5;
const WINDOW_MS = (BURST / PER_SECOND) * 1000;
/** The caches' documented windows (connection-directory.ts TTL_MS, signing-secrets.ts TTL_MS). */
const CONNECTION_WINDOW_MS = 5_000;
const SECRET_WINDOW_MS = 30_000;
const SWEEP_WAIT_MS = 180_000;

beforeAll(async () => {
  sim = await createSimulator();
  stack = await startStack({
    instances: 2,
    inngest: "self-hosted",
    allow: [sim.url],
    logFile,
    env: { WEBHOOK_RATE_LIMIT_PER_SECOND: String(PER_SECOND) },
  });
  for (let i = 0; i < TENANTS; i++) tenants.push(await createShopTenant(stack, sim, { items: 50 }));
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  await sim?.close();
});

interface Delivery {
  url: string;
  eventId: string;
  samId: number;
  stock: number;
  body: string;
  headers: Record<string, string>;
}

function makeDelivery(tenant: ShopTenant, index: number, options: { secret?: string; url?: string } = {}): Delivery {
  const eventId = `multi-${randomUUID()}`;
  const samId = tenant.samIdOf(index % 50);
  const stock = 1 + (index % 11);
  return {
    url: options.url ?? tenant.webhookUrl,
    eventId,
    samId,
    stock,
    ...signedSamDelivery(options.secret ?? tenant.signingSecret, { eventId, samId, stock }),
  };
}

interface Answer {
  status: number;
  id?: string;
  instance: string | null;
}

/**
 * One POST, given up after 20 s whatever happens: the abort signal alone has let a request on a
 * starved machine hang a test for its whole timeout.
 */
async function post(delivery: Delivery): Promise<Answer> {
  let timer: NodeJS.Timeout | undefined;
  const givenUp = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error("no answer within 20 s")), 20_000)),
  );
  try {
    return await Promise.race([postOnce(delivery), givenUp]);
  } finally {
    clearTimeout(timer);
  }
}

async function postOnce(delivery: Delivery): Promise<Answer> {
  const response = await fetch(delivery.url, {
    method: "POST",
    headers: delivery.headers,
    body: delivery.body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let id: string | undefined;
  try {
    id = (JSON.parse(text) as { id?: string }).id;
  } catch {
    /* HAProxy's own error pages are HTML */
  }
  return { status: response.status, id, instance: response.headers.get("x-stockhook-instance") };
}

/**
 * Undefined when a fault explains the missing acknowledgement: the connection lost, HAProxy's
 * 502/503/504 for an instance killed mid-request, or the app's 503. Anything else is a bug.
 */
async function send(delivery: Delivery): Promise<Answer | undefined> {
  let answer: Answer;
  try {
    answer = await post(delivery);
  } catch {
    return undefined;
  }
  // 429: a retry after the connection's window, as platforms do.
  if ([429, 502, 503, 504].includes(answer.status)) return undefined;
  if (answer.status !== 200 || !answer.id)
    throw new Error(`${delivery.eventId}: HTTP ${answer.status} is not explained by the fault`);
  return answer;
}

async function sendUntilAcknowledged(delivery: Delivery, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await send(delivery);
    if (answer) return answer.id!;
    if (Date.now() > deadline) throw new Error(`${delivery.eventId} never acknowledged`);
    await sleep(500);
  }
}

/** Sends the deliveries spread evenly over `seconds`; returns the acknowledged ids and the rest. */
async function burst(deliveries: Delivery[], seconds: number) {
  const acknowledged: string[] = [];
  const unanswered: Delivery[] = [];
  const servedBy = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    deliveries.map(async (delivery, index) => {
      await sleep(Math.max(0, started + (index * seconds * 1000) / deliveries.length - performance.now()));
      const answer = await send(delivery);
      if (!answer) return unanswered.push(delivery);
      acknowledged.push(answer.id!);
      if (answer.instance) servedBy.set(answer.instance, (servedBy.get(answer.instance) ?? 0) + 1);
    }),
  );
  return { acknowledged, unanswered, servedBy };
}

/**
 * One original per delivery id, every acknowledged event delivered (never FAILED), no event with
 * more than one stock change; returns the originals' final states.
 */
async function expectExactlyOnce(deliveries: Delivery[], acknowledged: string[]) {
  const deadline = Date.now() + SWEEP_WAIT_MS;
  await waitUntilFinal(stack, acknowledged, SWEEP_WAIT_MS);
  const originals = await stack.prisma.webhookEvent.findMany({
    where: { deliveryId: { in: deliveries.map((d) => d.eventId) }, status: { notIn: ["DUPLICATE", "REJECTED"] } },
    select: { id: true, deliveryId: true },
  });
  const perDelivery = new Map<string, number>();
  for (const row of originals) perDelivery.set(row.deliveryId!, (perDelivery.get(row.deliveryId!) ?? 0) + 1);
  expect([...perDelivery.values()].filter((count) => count !== 1)).toEqual([]);
  expect(perDelivery.size).toBe(deliveries.length);
  const rows = await waitUntilFinal(
    stack,
    originals.map((row) => row.id),
    Math.max(deadline - Date.now(), 5_000),
  );
  const changes = await stockChangesPerEvent(
    stack,
    originals.map((row) => row.id),
  );
  expect([...changes.values()].filter((count) => count > 1)).toEqual([]);
  return rows.reduce<Record<string, number>>(
    (counts, row) => ({ ...counts, [row.status]: (counts[row.status] ?? 0) + 1 }),
    {},
  );
}

/** Each item's quantity in Stockhook equals the stock of the last delivery sent for it. */
async function expectLastStockWins(tenant: ShopTenant, deliveries: Delivery[]) {
  const expected = new Map<string, number>();
  for (const delivery of deliveries) expected.set(String(delivery.samId), delivery.stock);
  const links = await stack.prisma.itemLink.findMany({
    where: { connectionId: tenant.samConnectionId, externalId: { in: [...expected.keys()] } },
    select: { externalId: true, item: { select: { quantity: true } } },
  });
  expect(Object.fromEntries(links.map((link) => [link.externalId, link.item.quantity]))).toEqual(
    Object.fromEntries(expected),
  );
}

describe("a burst through the balancer", () => {
  it("spreads over both instances and applies every acknowledged event once", async () => {
    const total = SHORT ? 240 : 2_000;
    const seconds = SHORT ? 8 : 30;
    const deliveries = Array.from({ length: total }, (_, i) => makeDelivery(tenants[i % TENANTS]!, i));
    const { acknowledged, unanswered, servedBy } = await burst(deliveries, seconds);
    expect([...servedBy.keys()].sort()).toEqual(["app0", "app1"]);
    // On a starved machine a few requests can time out: the platform's retry, same bytes.
    for (const delivery of unanswered) acknowledged.push(await sendUntilAcknowledged(delivery));
    const byStatus = await expectExactlyOnce(deliveries, acknowledged);
    expect(byStatus.FAILED ?? 0).toBe(0);
    for (const [index, tenant] of tenants.entries())
      await expectLastStockWins(
        tenant,
        deliveries.filter((_, i) => i % TENANTS === index),
      );
    console.log(
      `[reliability] multi-instance burst: ${total} deliveries in ${seconds} s, served ${JSON.stringify(Object.fromEntries(servedBy))}, ${unanswered.length} retried; final states ${JSON.stringify(byStatus)}`,
    );
  });
});

describe("kill -9 one of two instances", () => {
  it("loses nothing mid-burst: the other instance takes the traffic, retries land once", async () => {
    const total = SHORT ? 240 : 2_000;
    const seconds = SHORT ? 8 : 30;
    const deliveries = Array.from({ length: total }, (_, i) => makeDelivery(tenants[i % TENANTS]!, 1_000 + i));
    const victim = stack.instances[1]!;
    const killer = (async () => {
      await sleep(seconds * 400);
      await victim.kill("SIGKILL");
      await sleep(1_000);
      await victim.start();
    })();
    const { acknowledged, unanswered, servedBy } = await burst(deliveries, seconds);
    await killer;
    for (const delivery of unanswered) acknowledged.push(await sendUntilAcknowledged(delivery));
    const byStatus = await expectExactlyOnce(deliveries, acknowledged);
    expect(byStatus.FAILED ?? 0).toBe(0);
    console.log(
      `[reliability] multi-instance kill -9 mid-burst: ${total} deliveries, served ${JSON.stringify(Object.fromEntries(servedBy))}, ${unanswered.length} retried; final states ${JSON.stringify(byStatus)}`,
    );
  });

  it("resumes a reconcile when the instance running its step is killed", async () => {
    const items = SHORT ? 4_000 : 20_000;
    const { tenant, drifted, pagesBefore } = await startDriftedReconcile(stack, sim, items);
    // Round robin sends the steps to both instances: whichever held the step in flight, the
    // other one takes Inngest's retry while the killed one restarts.
    await stack.instances[0]!.kill("SIGKILL");
    const restart = stack.instances[0]!.start();
    const run = await eventually(
      "the reconcile to finish",
      async () =>
        (await stack.prisma.syncRun.findFirst({
          where: { connectionId: tenant.samConnectionId, status: { in: ["SUCCEEDED", "FAILED"] } },
        })) ?? undefined,
      240_000,
    );
    await restart;
    expect(run.status).toBe("SUCCEEDED");
    const pages = Math.ceil(items / 200);
    const listed = sim.controls
      .requests(tenant.samStoreKey)
      .log.filter((entry) => entry.kind === "sam:products.list" && entry.status === 200).length;
    // Started over, it would have listed the first pagesBefore pages twice.
    expect(listed).toBeLessThanOrEqual(pages + 2);
    const levels = await stack.prisma.item.findMany({
      where: { tenantId: tenant.tenantId, sku: { in: drifted.map((d) => d.sku) } },
      select: { sku: true, quantity: true },
    });
    expect(Object.fromEntries(levels.map((item) => [item.sku, item.quantity]))).toEqual(
      Object.fromEntries(drifted.map((d) => [d.sku, d.quantity])),
    );
    console.log(
      `[reliability] multi-instance kill -9 mid-reconcile: killed app0 after ${pagesBefore}/${pages} pages; ${listed} list calls in all; ${drifted.length} drifted items corrected`,
    );
    sim.controls.reset(tenant.samStoreKey);
  });
});

/**
 * Polls instance B with a fresh delivery every `POLL_MS` until it refuses; returns how long after
 * the change the first refused request was sent. Asserted against the window plus one poll
 * interval: the bound is on when B stops taking the old state, not on how fast B answers.
 */
const POLL_MS = 500;
async function firstRefusalAfter(changedAt: number, delivery: () => Delivery, refused: number, windowMs: number) {
  const deadline = changedAt + windowMs + POLL_MS + 30_000;
  for (;;) {
    const sentAt = Date.now();
    const answer = await post(delivery());
    if (answer.status === refused) return sentAt - changedAt;
    // Until then B takes the delivery, or (a connection already deleted, its row gone) answers
    // 503 so the platform retries: either way nothing acknowledged is lost.
    expect([200, 503], "before the window ends").toContain(answer.status);
    if (Date.now() > deadline) throw new Error(`instance B never refused (HTTP ${answer.status})`);
    await sleep(POLL_MS);
  }
}

describe("caches across instances", () => {
  it("a connection deleted on one instance is refused by the other within 5 s", async () => {
    const tenant = await createShopTenant(stack, sim, { items: 5, channel: false });
    const onB = `${stack.instanceUrls[1]}/api/webhooks/${tenant.slug}/${tenant.samConnectionId}`;
    // B has looked the connection up (and keeps it for the window).
    expect((await post(makeDelivery(tenant, 0, { url: onB }))).status).toBe(200);
    // What the delete does on instance A: the row goes (with its secrets and events), A forgets it.
    await stack.prisma.connection.delete({ where: { id: tenant.samConnectionId } });
    const changedAt = Date.now();
    const after = await firstRefusalAfter(
      changedAt,
      () => makeDelivery(tenant, 1, { url: onB }),
      404,
      CONNECTION_WINDOW_MS,
    );
    expect(after).toBeLessThanOrEqual(CONNECTION_WINDOW_MS + POLL_MS);
    console.log(
      `[reliability] connection deleted: instance B refused from ${after} ms after (window ${CONNECTION_WINDOW_MS} ms)`,
    );
  });

  it("a signing secret rotated and revoked on one instance is refused by the other within 30 s", async () => {
    const tenant = await createShopTenant(stack, sim, { items: 5, channel: false });
    const onB = `${stack.instanceUrls[1]}/api/webhooks/${tenant.slug}/${tenant.samConnectionId}`;
    expect((await post(makeDelivery(tenant, 0, { url: onB }))).status).toBe(200);
    // What rotation with immediate revocation does on instance A: a new secret, the old one revoked.
    const newSecret = `whsec-${randomUUID()}`;
    const db = scopeToTenant(stack.prisma, tenant.tenantId);
    await storeSecret(
      db,
      { connectionId: tenant.samConnectionId, purpose: "WEBHOOK_SIGNING", label: "rotated", plaintext: newSecret },
      parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!),
    );
    await stack.prisma.secret.updateMany({
      where: {
        connectionId: tenant.samConnectionId,
        purpose: "WEBHOOK_SIGNING",
        revokedAt: null,
        NOT: { label: "rotated" },
      },
      data: { revokedAt: new Date() },
    });
    const changedAt = Date.now();
    // The new secret works on B at once: a failed check reloads the secrets (at most every 5 s).
    await eventually("instance B to take the new secret", async () =>
      (await post(makeDelivery(tenant, 2, { url: onB, secret: newSecret }))).status === 200 ? true : undefined,
    );
    const after = await firstRefusalAfter(
      changedAt,
      () => makeDelivery(tenant, 1, { url: onB }),
      401,
      SECRET_WINDOW_MS,
    );
    expect(after).toBeLessThanOrEqual(SECRET_WINDOW_MS + POLL_MS);
    console.log(
      `[reliability] secret revoked: instance B refused the old secret from ${after} ms after (window ${SECRET_WINDOW_MS} ms)`,
    );
  });
});

describe("limits and dedup across instances", () => {
  it("holds the per-connection rate limit for both instances together", async () => {
    const tenant = await createShopTenant(stack, sim, { items: 50, channel: false });
    const total = BURST * 6;
    const deliveries = Array.from({ length: total }, (_, i) => makeDelivery(tenant, i));
    const answers: Answer[] = [];
    const started = performance.now();
    // 20 at a time, as fast as the instances answer.
    for (let i = 0; i < total; i += 20)
      answers.push(...(await Promise.all(deliveries.slice(i, i + 20).map((delivery) => post(delivery)))));
    const elapsedMs = performance.now() - started;
    const accepted = answers.filter((answer) => answer.status === 200);
    const limited = answers.filter((answer) => answer.status === 429);
    expect(accepted.length + limited.length).toBe(total);
    expect(new Set(accepted.map((answer) => answer.instance))).toEqual(new Set(["app0", "app1"]));
    // One window of BURST points per WINDOW_MS, counted across instances: per process it would be
    // twice that.
    const windows = Math.ceil(elapsedMs / WINDOW_MS);
    expect(accepted.length).toBeLessThanOrEqual(BURST * windows);
    expect(accepted.length).toBeGreaterThanOrEqual(BURST);
    console.log(
      `[reliability] rate limit ${PER_SECOND}/s (burst ${BURST}) over 2 instances: ${accepted.length} accepted, ${limited.length} × 429 of ${total} in ${Math.round(elapsedMs)} ms (${windows} window(s))`,
    );
  });

  it("stores a delivery sent to both instances at once exactly once", async () => {
    const tenant = tenants[0]!;
    const copies = 5;
    const delivery = makeDelivery(tenant, 7);
    const urls = stack.instanceUrls.map((base) => `${base}/api/webhooks/${tenant.slug}/${tenant.samConnectionId}`);
    const answers = await Promise.all(
      Array.from({ length: copies * urls.length }, (_, i) => post({ ...delivery, url: urls[i % urls.length]! })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const rows = await stack.prisma.webhookEvent.findMany({
      where: { deliveryId: delivery.eventId },
      select: { status: true },
    });
    expect(rows).toHaveLength(copies * urls.length);
    expect(rows.filter((row) => row.status !== "DUPLICATE")).toHaveLength(1);
    await waitUntilFinal(
      stack,
      answers.map((answer) => answer.id!),
      60_000,
    );
  });
});
