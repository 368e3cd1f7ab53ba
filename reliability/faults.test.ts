import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectorConfigFor, createSimulator, type Simulator } from "@sim";
import { eventually, startStack, type Stack } from "../integration/harness";
import { replayEvents } from "@/server/event-log/replay";
import { isArrivalRunId } from "@/server/pipeline/attempts";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { channelQuantity } from "@/server/connectors";
import {
  createShopTenant,
  FINAL_STATUSES,
  postDelivery,
  signedSamDelivery,
  type ShopTenant,
} from "../integration/fixtures";
import {
  findPlaintextSecrets,
  SHORT,
  stackSecrets,
  stockChangesPerEvent,
  waitUntilFinal,
  startDriftedReconcile,
} from "./common";

/**
 * The stack broken on purpose: the app killed with SIGKILL mid-burst and mid-reconcile, the
 * Inngest server gone, the database refusing connections, a storefront down for the whole retry
 * budget. Afterwards every acknowledged webhook must reach a final state exactly once.
 */
let stack: Stack;
let sim: Simulator;
const logFile = join(mkdtempSync(join(tmpdir(), "stockhook-faults-")), "stack.log");
const responses: string[] = [];
const tenants: ShopTenant[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * The sweeper runs every minute and re-sends what is still QUEUED 30 s after arrival, or
 * PROCESSING 10 s after hand-over with its run gone: two sweeps and the processing after.
 */
const SWEEP_WAIT_MS = 180_000;
/** RELIABILITY_INNGEST=self-hosted runs the suite on `inngest start` (queue and run state in Redis). */
const SELF_HOSTED = process.env.RELIABILITY_INNGEST === "self-hosted";

beforeAll(async () => {
  sim = await createSimulator();
  stack = await startStack({
    logFile,
    inngest: SELF_HOSTED ? "self-hosted" : "dev",
    allow: [sim.url],
    // The sweeper asks about a run PROCESSING for 10 s (production: a minute), so an orphan is
    // re-sent by the first sweep after a restart rather than the second.
    env: { STOCKHOOK_ORPHANED_AFTER_MS: "10000" },
  });
  for (let i = 0; i < 3; i++) tenants.push(await createShopTenant(stack, sim, { items: 50 }));
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  await sim?.close();
});

interface Delivery {
  url: string;
  eventId: string;
  body: string;
  headers: Record<string, string>;
}

/** /api/health as an operator's monitoring asks it: with the token, so the answer names the failing part. */
const healthWithDetails = () =>
  fetch(`${stack.appUrl}/api/health`, { headers: { authorization: `Bearer ${stack.env.HEALTH_TOKEN}` } });

function makeDelivery(tenant: ShopTenant, index: number): Delivery {
  const eventId = `rel-${randomUUID()}`;
  return {
    url: tenant.webhookUrl,
    eventId,
    ...signedSamDelivery(tenant.signingSecret, { eventId, samId: tenant.samIdOf(index % 50), stock: 1 + (index % 11) }),
  };
}

/**
 * Sends a delivery once; undefined when the faults explain why it was not acknowledged (the
 * connection lost or refused while the app is down, 503 while the database is). Any other answer
 * (401, 404, 500, a 200 without an id) is a bug, not the fault, and fails the test.
 */
async function send(delivery: Delivery): Promise<{ id: string; status: number; ms: number } | undefined> {
  const started = performance.now();
  let answer: Awaited<ReturnType<typeof postDelivery>>;
  try {
    answer = await postDelivery(delivery.url, delivery, 15_000);
  } catch {
    return undefined;
  }
  responses.push(answer.text);
  if (answer.status === 503) return undefined;
  if (answer.status !== 200 || !answer.id)
    throw new Error(
      `${delivery.eventId}: HTTP ${answer.status} ${answer.text.slice(0, 200)} is not explained by the fault`,
    );
  return { id: answer.id, status: answer.status, ms: performance.now() - started };
}

/** As a platform does: retries an unacknowledged delivery, same bytes, until it is acknowledged. */
async function sendUntilAcknowledged(delivery: Delivery, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await send(delivery);
    if (answer) return answer.id;
    if (Date.now() > deadline) throw new Error(`${delivery.eventId} never acknowledged`);
    await sleep(500);
  }
}

/** Statements of the stack's database waiting on a lock (the locker's row lock holding an apply). */
async function lockWaiters(locker: pg.Client): Promise<number> {
  const waiting = await locker.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
    [stack.databaseName],
  );
  return (waiting.rows[0] as { n: number }).n;
}

/**
 * Kills the app mid-apply, releases the locker's lock and starts the app again. As the reconcile
 * kill does, Inngest waits while the app is down, so a slow restart does not use up a run's
 * retries on calls that can only be refused. Returns when the app is back.
 */
async function killAppHoldingLock(locker: pg.Client): Promise<number> {
  await stack.app.kill("SIGKILL");
  stack.inngest.freeze();
  await locker.query("COMMIT");
  try {
    await stack.app.start();
  } finally {
    stack.inngest.thaw();
  }
  return performance.now();
}

/** Every delivery id has exactly one event that is not a DUPLICATE/REJECTED copy, and it changed stock at most once. */
async function expectExactlyOnce(deliveries: Delivery[], acknowledgedIds: string[]) {
  // One deadline for both waits, so they cannot add up past the test's timeout.
  const deadline = Date.now() + SWEEP_WAIT_MS;
  const rows = await waitUntilFinal(stack, acknowledgedIds, SWEEP_WAIT_MS);
  const originals = await stack.prisma.webhookEvent.findMany({
    where: { deliveryId: { in: deliveries.map((d) => d.eventId) }, status: { notIn: ["DUPLICATE", "REJECTED"] } },
    select: { id: true, deliveryId: true, status: true },
  });
  const perDelivery = new Map<string, number>();
  for (const row of originals) perDelivery.set(row.deliveryId!, (perDelivery.get(row.deliveryId!) ?? 0) + 1);
  expect([...perDelivery.values()].filter((count) => count !== 1)).toEqual([]);
  expect(perDelivery.size).toBe(deliveries.length);
  const all = await waitUntilFinal(
    stack,
    originals.map((row) => row.id),
    Math.max(deadline - Date.now(), 5_000),
  );
  const changes = await stockChangesPerEvent(
    stack,
    originals.map((row) => row.id),
  );
  expect([...changes.values()].filter((count) => count > 1)).toEqual([]);
  // The originals' final states, and how many acknowledgements were copies of a stored original
  // (e.g. a delivery stored just before a crash whose answer was lost, then retried).
  const byStatus = all.reduce<Record<string, number>>(
    (counts, row) => ({ ...counts, [row.status]: (counts[row.status] ?? 0) + 1 }),
    { DUPLICATE: rows.filter((row) => row.status === "DUPLICATE").length },
  );
  return { originals, byStatus };
}

describe("kill -9", () => {
  it("loses no acknowledged webhook when the app is killed mid-burst, and processes each once", async () => {
    const total = SHORT ? 240 : 2_000;
    const seconds = SHORT ? 8 : 30;
    const deliveries = Array.from({ length: total }, (_, i) => makeDelivery(tenants[i % 3]!, i));
    const acknowledged: string[] = [];
    const unanswered: Delivery[] = [];
    const started = performance.now();
    const killer = (async () => {
      await sleep(seconds * 400);
      await stack.app.kill("SIGKILL");
      await sleep(1_000);
      await stack.app.start();
    })();
    await Promise.all(
      deliveries.map(async (delivery, index) => {
        await sleep(Math.max(0, started + (index * seconds * 1000) / total - performance.now()));
        const answer = await send(delivery);
        if (answer) acknowledged.push(answer.id);
        else unanswered.push(delivery);
      }),
    );
    await killer;
    expect(unanswered.length, "the kill interrupted some deliveries").toBeGreaterThan(0);
    for (const delivery of unanswered) acknowledged.push(await sendUntilAcknowledged(delivery));
    const { byStatus } = await expectExactlyOnce(deliveries, acknowledged);
    console.log(
      `[reliability] kill -9 mid-burst: ${total} deliveries, ${unanswered.length} retried after the restart; final states ${JSON.stringify(byStatus)}`,
    );
  });

  it("resumes a reconcile killed mid-way at the page it reached", async () => {
    const items = SHORT ? 4_000 : 20_000;
    const { tenant, drifted, pagesBefore } = await startDriftedReconcile(stack, sim, items);
    // Inngest is frozen while the app is down: a slow restart must not use up the reconcile's
    // retries (3, one second apart in this stack) on calls that can only be refused.
    await stack.app.kill("SIGKILL");
    stack.inngest.freeze();
    try {
      await stack.app.start();
    } finally {
      stack.inngest.thaw();
    }
    const run = await eventually(
      "the reconcile to finish",
      async () => {
        const row = await stack.prisma.syncRun.findFirst({
          where: { connectionId: tenant.samConnectionId, status: { in: ["SUCCEEDED", "FAILED"] } },
        });
        return row ?? undefined;
      },
      240_000,
    );
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
      `[reliability] kill -9 mid-reconcile: killed after ${pagesBefore}/${pages} pages; ${listed} list calls in all; ${drifted.length} drifted items corrected`,
    );
    sim.controls.reset(tenant.samStoreKey);
  });
});

describe("kill -9 mid-batch", () => {
  it("finishes a batch the kill caught mid-run: every acknowledged event final, the storefront at canonical stock", async () => {
    const tenant = await createShopTenant(stack, sim, { items: 50 });
    tenants.push(tenant);
    const held = 7;
    const heldExternalId = String(tenant.samIdOf(held));
    const { itemId: heldItemId } = await stack.prisma.itemLink.findFirstOrThrow({
      where: { connectionId: tenant.samConnectionId, externalId: heldExternalId },
      select: { itemId: true },
    });
    // A lock on one item's row holds the batch that takes it in its apply transaction, so the kill
    // certainly lands mid-batch (its events claimed, PROCESSING under one run).
    const locker = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query(`SELECT 1 FROM "Item" WHERE id = $1 FOR UPDATE`, [heldItemId]);
    // Ten at a time, far above WEBHOOK_BATCH_THRESHOLD_PER_SECOND (2 a second): after the first few
    // the tenant's deliveries go to apply-webhook-batch. Every other one is for the held item.
    const total = SHORT ? 80 : 400;
    const deliveries = Array.from({ length: total }, (_, i) => makeDelivery(tenant, i % 2 ? held + 50 * i : i));
    const acknowledged: string[] = [];
    try {
      for (let offset = 0; offset < total; offset += 10)
        await Promise.all(
          deliveries.slice(offset, offset + 10).map(async (delivery) => {
            const answer = await send(delivery);
            expect(answer, `${delivery.eventId} acknowledged`).toBeDefined();
            acknowledged.push(answer!.id);
          }),
        );
      const batchRun = await eventually("a batch with the held item to wait on its lock", async () => {
        const claimed = await stack.prisma.webhookEvent.findMany({
          where: { id: { in: acknowledged }, status: "PROCESSING", inngestRunId: { not: null } },
          select: { inngestRunId: true, externalIds: true },
        });
        const runs = new Map<string, { events: number; held: boolean }>();
        for (const row of claimed) {
          const run = runs.get(row.inngestRunId!) ?? { events: 0, held: false };
          runs.set(row.inngestRunId!, {
            events: run.events + 1,
            held: run.held || row.externalIds.includes(heldExternalId),
          });
        }
        const batch = [...runs].find(([, run]) => run.events > 1 && run.held);
        return batch && (await lockWaiters(locker)) > 0 ? { runId: batch[0], events: batch[1].events } : undefined;
      });
      const restarted = await killAppHoldingLock(locker);
      const { byStatus } = await expectExactlyOnce(deliveries, acknowledged);
      const finalAfterMs = performance.now() - restarted;
      // The items the burst changed (each was pushed); an item it left as it was was never pushed.
      const changed = await stack.prisma.stockChange.findMany({
        where: { webhookEventId: { in: acknowledged } },
        select: { itemId: true },
        distinct: ["itemId"],
      });
      expect(changed.map((change) => change.itemId)).toContain(heldItemId);
      const items = await stack.prisma.item.findMany({
        where: { id: { in: changed.map((change) => change.itemId) } },
        select: { sku: true, quantity: true, status: true },
      });
      const canonical = Object.fromEntries(items.map((item) => [item.sku, channelQuantity(item)]));
      await eventually(
        "the storefront to show canonical stock for every item",
        async () => {
          const shown = Object.fromEntries(
            items.map((item) => [item.sku, sim.controls.item(tenant.wooStoreKey!, item.sku)?.quantity]),
          );
          return JSON.stringify(shown) === JSON.stringify(canonical) ? true : undefined;
        },
        SWEEP_WAIT_MS,
      );
      console.log(
        `[reliability] kill -9 mid-batch (${SELF_HOSTED ? "inngest start" : "dev server"}): ${total} deliveries, a batch of ${batchRun.events} held mid-apply at the kill; all final ${Math.round(finalAfterMs / 1000)} s after the restart; final states ${JSON.stringify(byStatus)}; storefront equals canonical stock for the ${items.length} items it changed`,
      );
    } finally {
      await locker.end().catch(() => undefined);
    }
  });
});

describe("kill -9 mid-attempt on arrival", () => {
  it("finishes a quiet tenant's sale whose attempt on arrival died with the app: applied once, on the storefront", async () => {
    const tenant = await createShopTenant(stack, sim, { items: 50 });
    tenants.push(tenant);
    const index = 3;
    const { itemId } = await stack.prisma.itemLink.findFirstOrThrow({
      where: { connectionId: tenant.samConnectionId, externalId: String(tenant.samIdOf(index)) },
      select: { itemId: true },
    });
    // A lock on the item's row holds the attempt in its apply transaction, so the kill lands mid-attempt.
    const locker = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query(`SELECT 1 FROM "Item" WHERE id = $1 FOR UPDATE`, [itemId]);
    try {
      const delivery = makeDelivery(tenant, index);
      const answer = await send(delivery);
      expect(answer, "the sale acknowledged").toBeDefined();
      const id = answer!.id;
      const arrivalRun = await eventually("the attempt on arrival to wait on the item's lock", async () => {
        const row = await stack.prisma.webhookEvent.findUniqueOrThrow({
          where: { id },
          select: { inngestRunId: true },
        });
        return isArrivalRunId(row.inngestRunId) && (await lockWaiters(locker)) > 0 ? row.inngestRunId : undefined;
      });
      const restarted = await killAppHoldingLock(locker);
      const { byStatus } = await expectExactlyOnce([delivery], [id]);
      const finalAfterMs = performance.now() - restarted;
      expect(byStatus).toMatchObject({ APPLIED: 1 });
      const applied = await stack.prisma.pipelineAttempt.findFirstOrThrow({
        where: { webhookEventId: id, kind: "PROCESSING", outcome: "APPLIED" },
        select: { inngestRunId: true },
      });
      expect(applied.inngestRunId).not.toBe(arrivalRun);
      const { sku, quantity, status } = await stack.prisma.item.findUniqueOrThrow({ where: { id: itemId } });
      await eventually(
        "the storefront to show the sale",
        async () =>
          sim.controls.item(tenant.wooStoreKey!, sku)?.quantity === channelQuantity({ quantity, status })
            ? true
            : undefined,
        SWEEP_WAIT_MS,
      );
      console.log(
        `[reliability] kill -9 mid-attempt on arrival: final ${Math.round(finalAfterMs / 100) / 10} s after the restart, by run ${applied.inngestRunId}`,
      );
    } finally {
      await locker.end().catch(() => undefined);
    }
  });
});

describe("Inngest server outage", () => {
  it("keeps acknowledging and storing webhooks, and processes them once it is back", async () => {
    const tenant = tenants[0]!;
    const outageMs = SHORT ? 10_000 : 60_000;
    const deliveries: Delivery[] = [];
    const duringOutage: { id: string; ms: number }[] = [];
    const acknowledged: string[] = [];
    let phase = "before" as "before" | "outage" | "after";
    let stop = false;
    // Three senders, each one delivery at a time with a pause between.
    const traffic = Promise.all(
      [1000, 2000, 3000].map(async (first) => {
        for (let i = first; !stop; i++) {
          const delivery = makeDelivery(tenant, i);
          deliveries.push(delivery);
          const current = phase;
          const answer = await send(delivery);
          expect(answer, `delivery ${i} (${current}) acknowledged`).toBeDefined();
          acknowledged.push(answer!.id);
          if (current === "outage") duringOutage.push({ id: answer!.id, ms: answer!.ms });
          await sleep(200);
        }
      }),
    );
    // A slow storefront keeps runs busy when the server dies: a server that keeps run state in
    // Redis resumes them; the dev server loses them, and the sweeper re-sends each event whose
    // run the server no longer knows once it has been PROCESSING for a minute.
    sim.controls.set(tenant.wooStoreKey!, { latencyMs: 1_500 });
    await eventually("a few deliveries to be acknowledged before the kill", async () =>
      acknowledged.length >= 6 ? true : undefined,
    );
    // One run is certainly mid-way when the server dies: a lock on its item's row holds it in its
    // apply step, its event PROCESSING. Released after the kill, the step finishes into the void.
    const held = makeDelivery(tenant, 7);
    const heldItem = await stack.prisma.itemLink.findFirstOrThrow({
      where: { connectionId: tenant.samConnectionId, externalId: String(tenant.samIdOf(7)) },
      select: { itemId: true },
    });
    const locker = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query(`SELECT 1 FROM "Item" WHERE id = $1 FOR UPDATE`, [heldItem.itemId]);
    const lockedAt = new Date();
    deliveries.push(held);
    acknowledged.push((await send(held))!.id);
    // This delivery, or the traffic's own delivery for the same item if that came first (received
    // after the lock, so its apply step waits for it too).
    const { id: heldId, inngestRunId: heldRun } = await eventually(
      "a run for the locked item to claim its event",
      async () => {
        const row = await stack.prisma.webhookEvent.findFirst({
          where: {
            tenantId: tenant.tenantId,
            status: "PROCESSING",
            receivedAt: { gte: lockedAt },
            externalIds: { has: String(tenant.samIdOf(7)) },
            inngestRunId: { not: null },
          },
          select: { id: true, inngestRunId: true },
        });
        return row ?? undefined;
      },
    );
    const inFlightAtKill = await stack.prisma.webhookEvent.count({
      where: { id: { in: acknowledged }, status: "PROCESSING" },
    });
    await stack.inngest.kill("SIGKILL");
    await locker.query("COMMIT");
    await locker.end();
    phase = "outage";
    const health = await healthWithDetails();
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false, database: { ok: true }, inngest: { ok: false } });
    expect(await (await fetch(`${stack.appUrl}/api/health`)).json()).toEqual({ status: "down" });
    await sleep(outageMs);
    sim.controls.reset(tenant.wooStoreKey!);
    await stack.inngest.start();
    const restartedAt = new Date();
    phase = "after";
    const afterRestart = acknowledged.length;
    await eventually("a few deliveries to be acknowledged after the restart", async () =>
      acknowledged.length >= afterRestart + 6 ? true : undefined,
    );
    stop = true;
    await traffic;
    expect(duringOutage.length).toBeGreaterThan(5);
    const stored = await stack.prisma.webhookEvent.findMany({
      where: { id: { in: duringOutage.map((d) => d.id) } },
      select: { status: true },
    });
    expect(stored).toHaveLength(duringOutage.length);
    // Every acknowledged event, from before, during and after the outage, ends delivered: the runs
    // the server lost are re-sent by the sweeper, the events it never got by the unsent pass.
    const midRunAtRestart = await stack.prisma.webhookEvent.count({
      where: { id: { in: acknowledged }, status: "PROCESSING" },
    });
    await waitUntilFinal(stack, acknowledged, SWEEP_WAIT_MS);
    const heldAfter = await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id: heldId } });
    // The held run's step goes on in the app after the server died. Apply and push are one step, so
    // it finishes the event itself; had it not, the sweeper's re-send would have. Either way the
    // event is final once (every delivery counted once, below).
    expect(FINAL_STATUSES).toContain(heldAfter.status);
    const heldFinishedBy =
      heldAfter.inngestRunId === heldRun ? "its own step, which went on after the kill" : "the sweeper's re-send";
    const heldDoneS = ((heldAfter.completedAt ?? heldAfter.appliedAt)!.getTime() - restartedAt.getTime()) / 1000;
    const originals = await stack.prisma.webhookEvent.groupBy({
      by: ["deliveryId"],
      where: { deliveryId: { in: deliveries.map((d) => d.eventId) }, status: { notIn: ["DUPLICATE", "REJECTED"] } },
      _count: true,
    });
    expect(originals).toHaveLength(deliveries.length);
    expect(originals.every((row) => row._count === 1)).toBe(true);
    console.log(
      `[reliability] Inngest (${SELF_HOSTED ? "inngest start on Redis" : "dev server"}) down ${outageMs / 1000} s: ${duringOutage.length} webhooks acknowledged meanwhile (slowest ${Math.round(Math.max(...duringOutage.map((d) => d.ms)))} ms); all ${acknowledged.length} acknowledged events delivered; ${inFlightAtKill} were mid-run at the kill, ${midRunAtRestart} still PROCESSING after the restart (re-sent by the sweeper or resumed); the run held at the kill: its event finished ${heldDoneS.toFixed(1)} s after the restart, by ${heldFinishedBy}`,
    );
  });
});

describe("database outage", () => {
  it("answers 503 while the database refuses connections, writes nothing, and takes the retry", async () => {
    const tenant = tenants[1]!;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const database = `"${stack.databaseName}"`;
    const cutOff = async () => {
      await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [stack.databaseName],
      );
    };
    const deliveries = Array.from({ length: 10 }, (_, i) => makeDelivery(tenant, i));
    try {
      await cutOff();
      const answers = await Promise.all(deliveries.map((delivery) => postDelivery(delivery.url, delivery)));
      responses.push(...answers.map((answer) => answer.text));
      expect(answers.map((answer) => answer.status)).toEqual(deliveries.map(() => 503));
      // What a platform reads to wait before retrying, and what a load balancer's health check sees.
      const again = await fetch(deliveries[0]!.url, {
        method: "POST",
        headers: deliveries[0]!.headers,
        body: deliveries[0]!.body,
      });
      expect([again.status, again.headers.get("retry-after")]).toEqual([503, "30"]);
      const health = await healthWithDetails();
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ ok: false, database: { ok: false } });
    } finally {
      await admin.query(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);
    }
    const written = await eventually("the database to answer again", () =>
      stack.prisma.webhookEvent.count({ where: { deliveryId: { in: deliveries.map((d) => d.eventId) } } }),
    );
    expect(written).toBe(0);
    const acknowledged = [];
    for (const delivery of deliveries) acknowledged.push(await sendUntilAcknowledged(delivery));

    // Connections cut under load: some deliveries fail mid-transaction; retried, each lands once.
    // The cuts go on until one has hit a delivery (and the storm has its size): a storm that no cut
    // reached would prove nothing. A cut that lands between two queries only costs a reconnect.
    const minimum = SHORT ? 60 : 300;
    const storm: Delivery[] = [];
    const unanswered: Delivery[] = [];
    let cuts = 0;
    let stormDone = false;
    const cutter = (async () => {
      while (!stormDone) {
        await sleep(150);
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [stack.databaseName],
        );
        cuts++;
      }
    })();
    try {
      for (let i = 0; storm.length < minimum || (unanswered.length === 0 && storm.length < minimum * 10); i += 6) {
        const batch = Array.from({ length: 6 }, (_, k) => makeDelivery(tenant, 100 + i + k));
        storm.push(...batch);
        await Promise.all(
          batch.map(async (delivery) => {
            const answer = await send(delivery);
            if (answer) acknowledged.push(answer.id);
            else unanswered.push(delivery);
          }),
        );
      }
    } finally {
      stormDone = true;
      await cutter;
      await admin.end();
    }
    expect(unanswered.length, "a connection cut interrupted a delivery").toBeGreaterThan(0);
    for (const delivery of unanswered) acknowledged.push(await sendUntilAcknowledged(delivery));
    const { byStatus } = await expectExactlyOnce([...deliveries, ...storm], acknowledged);
    console.log(
      `[reliability] database outage: 10 × 503 with nothing written; connections cut ${cuts} times under load, ${unanswered.length} of ${storm.length} retried; final states ${JSON.stringify(byStatus)}`,
    );
  });
});

describe("storefront outage", () => {
  it("fails events after the whole retry budget, opens and closes the breaker, and replays cleanly", async () => {
    const tenant = await createShopTenant(stack, sim, { items: 20 });
    const db = stack.prisma;
    sim.controls.set(tenant.wooStoreKey!, { outage: "error", outageStatus: 503 });
    const sales: { id: string; sku: string; quantity: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const view = sim.controls.items(tenant.samStoreKey, { offset: i, limit: 1 })[0]!;
      const result = await sim.emitWebhook({
        store: tenant.samStoreKey,
        kind: "adjustment",
        sku: view.sku,
        quantity: view.quantity + 3,
        targetUrl: tenant.webhookUrl,
        secret: tenant.signingSecret,
      });
      expect(result.status).toBe(200);
      sales.push({
        id: (JSON.parse(result.responseBody) as { id: string }).id,
        sku: view.sku,
        quantity: result.quantityAfter,
      });
    }
    let breakerOpened = false;
    const failed = await eventually(
      "every event to fail after its retries",
      async () => {
        const connection = await db.connection.findUniqueOrThrow({ where: { id: tenant.wooConnectionId! } });
        if (connection.circuitOpenUntil && connection.circuitOpenUntil > new Date()) breakerOpened = true;
        const rows = await db.webhookEvent.findMany({ where: { id: { in: sales.map((s) => s.id) } } });
        return rows.every((row) => row.status === "FAILED") ? rows : undefined;
      },
      180_000,
    );
    expect(failed.every((row) => row.error)).toBe(true);
    expect(breakerOpened, "the circuit breaker opened during the outage").toBe(true);
    for (const sale of sales)
      expect(sim.controls.item(tenant.wooStoreKey!, sale.sku)!.quantity).not.toBe(sale.quantity);

    sim.controls.reset(tenant.wooStoreKey!);
    // The dashboard's replay, as a person presses it: the breaker may still be open, and each
    // re-push waits until it closes.
    const replay = await replayEvents(
      scopeToTenant(db, tenant.tenantId),
      sales.map((s) => s.id),
      stack.sendEvent,
    );
    expect({ ...replay, replayed: [...replay.replayed].sort() }).toEqual({
      replayed: sales.map((s) => s.id).sort(),
      deferred: [],
      refused: [],
    });
    await eventually(
      "the storefront to show every replayed quantity",
      async () =>
        sales.every((sale) => sim.controls.item(tenant.wooStoreKey!, sale.sku)!.quantity === sale.quantity)
          ? true
          : undefined,
      120_000,
    );
    const replayed = await eventually(
      "the replayed events to be final",
      async () => {
        const rows = await db.webhookEvent.findMany({ where: { id: { in: sales.map((s) => s.id) } } });
        return rows.every((row) => row.status === "APPLIED") ? rows : undefined;
      },
      60_000,
    );
    expect(replayed).toHaveLength(3);
    const pushes = await db.channelPush.findMany({ where: { webhookEventId: { in: sales.map((s) => s.id) } } });
    expect(pushes.map((push) => push.state)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    const connection = await db.connection.findUniqueOrThrow({ where: { id: tenant.wooConnectionId! } });
    expect(connection.consecutiveFailures).toBe(0);
    expect(connection.circuitOpenUntil).toBeNull();
    const changes = await stockChangesPerEvent(
      stack,
      sales.map((s) => s.id),
    );
    expect([...changes.values()]).toEqual([1, 1, 1]);
    tenants.push(tenant);
  });
});

describe("secrets after the faults", () => {
  it("leaves no plaintext secret in the app's log, the responses or the database", async () => {
    const secrets = [...tenants.map((tenant) => tenant.signingSecret), ...stackSecrets(stack)];
    for (const tenant of tenants) {
      secrets.push(
        ...Object.values(
          connectorConfigFor(sim.stores.require(tenant.samStoreKey), sim.url).credentials as Record<string, string>,
        ),
      );
      if (tenant.wooStoreKey)
        secrets.push(
          ...Object.values(
            connectorConfigFor(sim.stores.require(tenant.wooStoreKey), sim.url).credentials as Record<string, string>,
          ),
        );
    }
    expect(await findPlaintextSecrets(stack, secrets, { logFile, responses })).toEqual([]);
  });
});
