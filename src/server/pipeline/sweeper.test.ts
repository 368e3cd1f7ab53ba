import { expect } from "vitest";
import { test } from "@test-support/db-fixture";
import type { WebhookStatus } from "@/generated/prisma/client";
import type { InngestRunLookup } from "@/server/event-log/inngest-run";
import {
  findEventsToResend,
  findOrphanedEvents,
  findOrphanedPushes,
  findUnstartedPushes,
  forgetOldHandOvers,
  markOrphansResent,
  markSent,
  recordHandOver,
  resendEvents,
  STUCK_AFTER_MS,
  sweepRunLookup,
} from "./sweeper";

const now = new Date(Date.UTC(2031, 0, 1, 12, 0, 0));
const ago = (ms: number) => new Date(now.getTime() - ms);

/**
 * The Inngest server's run API as the sweeper sees it, by run id: `run-lost*` unknown to the
 * server, `run-unreachable*` no answer, `run-failed*` / `run-cancelled*` / `run-completed*` ended,
 * anything else running.
 */
function fakeInngest() {
  const asked: string[] = [];
  const lookup = async (runId: string): Promise<InngestRunLookup> => {
    asked.push(runId);
    const base = { runId, url: null, startedAt: null, endedAt: null };
    if (runId.startsWith("run-lost"))
      return { found: false, runId, reason: "unknown run", url: null, unknownToServer: true };
    if (runId.startsWith("run-unreachable")) return { found: false, runId, reason: "did not answer", url: null };
    if (runId.startsWith("run-failed")) return { ...base, found: true, status: "Failed" };
    if (runId.startsWith("run-cancelled")) return { ...base, found: true, status: "CANCELLED" };
    if (runId.startsWith("run-completed")) return { ...base, found: true, status: "Completed" };
    return { ...base, found: true, status: "Running" };
  };
  return { asked, lookup };
}

/** `event` records a delivery for tenant a's connection. */
const it = test.extend(
  "event",
  { scope: "file" },
  ({ prisma, tenantA: fx }) =>
    (status: WebhookStatus, receivedAt: Date, sentAt: Date | null) =>
      prisma.webhookEvent.create({
        data: {
          tenantId: fx.tenant.id,
          connectionId: fx.connection.id,
          provider: "SAM",
          payloadHash: "1".repeat(64),
          signatureVerdict: "VALID",
          status,
          receivedAt,
          sentAt,
        },
      }),
);

it("re-sends events Inngest never got and events stuck for 30 minutes, and nothing else", async ({ prisma, event }) => {
  const unsent = await event("QUEUED", ago(60_000), null);
  await event("QUEUED", ago(5_000), null); // just arrived: its own send may still be in flight
  const stuckQueued = await event("QUEUED", ago(3_600_000), ago(3_600_000));
  const stuckProcessing = await event("PROCESSING", ago(2_000_000), ago(2_000_000));
  await event("PROCESSING", ago(60_000), ago(60_000)); // working on it
  await event("APPLIED", ago(3_600_000), ago(3_600_000));
  await event("FAILED", ago(3_600_000), ago(3_600_000)); // failures wait for a person's replay

  const candidates = await findEventsToResend(prisma, now);
  expect(candidates.map((c) => [c.id, c.reason]).sort()).toEqual(
    [
      [unsent.id, "unsent"],
      [stuckQueued.id, "stuck"],
      [stuckProcessing.id, "stuck"],
    ].sort(),
  );
  expect(candidates.find((c) => c.id === unsent.id)?.eventId).toBe(unsent.id);
  expect(candidates.find((c) => c.id === stuckQueued.id)?.eventId).not.toBe(stuckQueued.id);

  await markSent(prisma, [unsent.id], now);
  expect((await findEventsToResend(prisma, now)).map((c) => c.id)).not.toContain(unsent.id);
});

it("re-sends deliveries gathered into one Inngest event together, under that event's id", async ({ prisma, event }) => {
  const first = await event("QUEUED", ago(60_000), null);
  const second = await event("QUEUED", ago(60_000), null);
  // Gathered with them 250 ms later, not yet 30 s old itself: it goes with its event all the same.
  const youngest = await event("QUEUED", ago(29_900), null);
  const applied = await event("APPLIED", ago(60_000), ago(59_000));
  const gathered = [first, second, youngest, applied].map((e) => e.id);
  await recordHandOver(prisma, { id: first.id, tenantId: first.tenantId, webhookEventIds: gathered });
  const alone = await event("QUEUED", ago(60_000), null);

  const candidates = await findEventsToResend(prisma, now);
  expect(resendEvents(candidates)).toEqual(
    expect.arrayContaining([
      {
        id: first.id,
        tenantId: first.tenantId,
        webhookEventIds: expect.arrayContaining([first.id, second.id, youngest.id]),
      },
      { id: alone.id, tenantId: alone.tenantId, webhookEventIds: [alone.id] },
    ]),
  );
  expect(resendEvents(candidates).find((e) => e.id === first.id)?.webhookEventIds).toHaveLength(3);

  await markSent(
    prisma,
    candidates.map((c) => c.id),
    now,
  );
  expect(await findEventsToResend(prisma, now)).toEqual([]);

  // Kept as long as the unsent pass looks, then forgotten.
  expect(await forgetOldHandOvers(prisma, new Date())).toBe(0);
  expect(await forgetOldHandOvers(prisma, new Date(Date.now() + STUCK_AFTER_MS + 60_000))).toBe(4);
});

it("re-sends an event PROCESSING over a minute whose run is gone, failed or cancelled, and leaves running runs alone", async ({
  prisma,
  event,
}) => {
  const processing = async (runId: string | null, sentAgo: number) => {
    const row = await event("PROCESSING", ago(sentAgo), ago(sentAgo));
    return prisma.webhookEvent.update({ where: { id: row.id }, data: { inngestRunId: runId } });
  };
  const lost = await processing("run-lost", 90_000);
  const failed = await processing("run-failed", 90_000);
  const cancelled = await processing("run-cancelled", 90_000);
  await processing("run-running", 90_000); // waiting out a breaker: still the run's business
  await processing("run-unreachable", 90_000); // the server did not answer: nothing is known
  await processing("run-lost-young", 30_000); // under a minute: its run may just be starting
  await processing(null, 90_000); // re-sent already, not claimed by the new run yet
  const { asked, lookup } = fakeInngest();

  const orphans = await findOrphanedEvents(prisma, now, lookup);
  expect(orphans.map((c) => c.id).sort()).toEqual([lost.id, failed.id, cancelled.id].sort());
  expect(orphans.every((c) => c.reason === "orphaned" && c.eventId !== c.id)).toBe(true);
  expect(asked).not.toContain("run-lost-young");

  // The re-send of `cancelled` was claimed by its new run before the sweep marked it: the new run keeps it.
  await prisma.webhookEvent.update({ where: { id: cancelled.id }, data: { inngestRunId: "run-new" } });
  await markOrphansResent(prisma, orphans, now);
  const resent = await prisma.webhookEvent.findMany({ where: { id: { in: [lost.id, failed.id] } } });
  expect(resent.every((row) => row.inngestRunId === null && row.sentAt?.getTime() === now.getTime())).toBe(true);
  const claimed = await prisma.webhookEvent.findUniqueOrThrow({ where: { id: cancelled.id } });
  expect(claimed.inngestRunId).toBe("run-new");
  await prisma.webhookEvent.update({ where: { id: cancelled.id }, data: { status: "APPLIED" } });
  expect(await findOrphanedEvents(prisma, now, lookup)).toEqual([]);
});

it("re-sends an event an attempt on arrival left PROCESSING over a minute, without asking the Inngest server", async ({
  prisma,
  event,
}) => {
  const processing = async (runId: string, sentAgo: number) => {
    const row = await event("PROCESSING", ago(sentAgo), ago(sentAgo));
    return prisma.webhookEvent.update({ where: { id: row.id }, data: { inngestRunId: runId } });
  };
  const died = await processing("arrival:died-mid-apply", 90_000);
  const young = await processing("arrival:still-applying", 20_000);
  const { asked, lookup } = fakeInngest();

  const orphans = await findOrphanedEvents(prisma, now, lookup);
  expect(orphans.find((c) => c.id === died.id)).toMatchObject({
    reason: "orphaned",
    deadRunId: "arrival:died-mid-apply",
  });
  expect(orphans.map((c) => c.id)).not.toContain(young.id);
  expect(asked.filter((runId) => runId.startsWith("arrival:"))).toEqual([]);
  await prisma.webhookEvent.updateMany({
    where: { inngestRunId: { startsWith: "arrival:" } },
    data: { status: "APPLIED" },
  });
});

it("honours a shorter orphan threshold (STOCKHOOK_ORPHANED_AFTER_MS)", async ({ prisma, event }) => {
  const row = await event("PROCESSING", ago(20_000), ago(20_000));
  await prisma.webhookEvent.update({ where: { id: row.id }, data: { inngestRunId: "run-lost-threshold" } });
  const { lookup } = fakeInngest();
  expect((await findOrphanedEvents(prisma, now, lookup)).map((c) => c.id)).not.toContain(row.id);
  expect((await findOrphanedEvents(prisma, now, lookup, 10_000)).map((c) => c.id)).toContain(row.id);
  await prisma.webhookEvent.update({ where: { id: row.id }, data: { status: "APPLIED" } });
});

it("asks about each run once per sweep, and nothing more once the server has not answered", async () => {
  const { asked, lookup } = fakeInngest();
  const sweep = sweepRunLookup(lookup);
  await Promise.all([sweep("run-batch"), sweep("run-batch"), sweep("run-batch")]);
  expect(asked).toEqual(["run-batch"]);
  expect(await sweep("run-unreachable")).toMatchObject({ found: false });
  const afterOutage = await sweep("run-lost-later");
  expect(afterOutage).toMatchObject({ found: false, runId: "run-lost-later" });
  expect(afterOutage.found || afterOutage.unknownToServer).toBeFalsy();
  expect(asked).toEqual(["run-batch", "run-unreachable"]);
});

it("re-sends nothing while the Inngest API cannot be reached, and asks only one round", async ({ prisma, event }) => {
  const rows = [];
  for (let i = 0; i < 25; i++) {
    const row = await event("PROCESSING", ago(90_000), ago(90_000));
    rows.push(
      await prisma.webhookEvent.update({ where: { id: row.id }, data: { inngestRunId: `run-unreachable-${i}` } }),
    );
  }
  const { asked, lookup } = fakeInngest();
  expect(await findOrphanedEvents(prisma, now, sweepRunLookup(lookup))).toEqual([]);
  expect(asked.length).toBeLessThanOrEqual(10);
  await prisma.webhookEvent.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { status: "APPLIED" } });
});

it("hands a storefront push whose run is gone, failed, cancelled or completed back to push-item, and leaves live and not-yet-due pushes alone", async ({
  prisma,
  tenantA: fx,
}) => {
  const channel = await prisma.connection.create({
    data: { tenantId: fx.tenant.id, provider: "WOOCOMMERCE", direction: "CHANNEL", name: "Woo", baseUrl: "http://w" },
  });
  await prisma.itemLink.create({
    data: { tenantId: fx.tenant.id, itemId: fx.item.id, connectionId: channel.id, externalId: "woo-7" },
  });
  const push = (
    inngestRunId: string | null,
    times: { lastAttemptAt?: Date; nextAttemptAt?: Date },
    state = "PENDING",
  ) =>
    prisma.channelPush.create({
      data: {
        tenantId: fx.tenant.id,
        connectionId: channel.id,
        itemId: fx.item.id,
        webhookEventId: fx.event.id,
        quantity: 1,
        status: "AVAILABLE",
        state: state as "PENDING" | "SUCCEEDED",
        inngestRunId,
        createdAt: ago(120_000),
        ...times,
      },
    });
  const lost = await push("run-lost-push", { lastAttemptAt: ago(90_000) });
  const failed = await push("run-failed-push", { lastAttemptAt: ago(90_000), nextAttemptAt: ago(80_000) });
  const cancelled = await push("run-cancelled-push", {});
  // The fast path's apply step re-ran after its commit, found the delivery final and ended the run.
  const completed = await push("run-completed-apply", {});
  // An attempt on arrival applied the sale, and its process died before the storefront call.
  const arrival = await push("arrival:died-before-pushing", {});
  await push("run-running-push", { lastAttemptAt: ago(90_000) }); // waiting in a queue, or a long sleep: its run's business
  await push("run-unreachable-push", { lastAttemptAt: ago(90_000) });
  await push("run-lost-sleeping", { lastAttemptAt: ago(90_000), nextAttemptAt: ago(-30_000) }); // its retry is not due yet
  await push("run-lost-recent", { lastAttemptAt: ago(10_000) }); // just tried: its run may be mid-step
  await push(null, {}); // no run has taken it yet: its own event is on the way
  await push("run-lost-delivered", { lastAttemptAt: ago(90_000) }, "SUCCEEDED");

  const { asked, lookup } = fakeInngest();
  const pushes = await findOrphanedPushes(prisma, now, sweepRunLookup(lookup));
  expect(pushes.map((p) => p.pushId).sort()).toEqual(
    [lost.id, failed.id, cancelled.id, completed.id, arrival.id].sort(),
  );
  expect(pushes.find((p) => p.pushId === lost.id)).toEqual({
    pushId: lost.id,
    tenantId: fx.tenant.id,
    itemId: fx.item.id,
    connectionId: channel.id,
    externalId: "woo-7",
    webhookEventId: fx.event.id,
    eventId: `push:orphan:${lost.id}:run-lost-push`,
  });
  expect(asked).not.toContain("run-lost-sleeping");
  expect(asked).not.toContain("run-lost-recent");
  expect(asked).not.toContain("run-lost-delivered");
  expect(asked).not.toContain("arrival:died-before-pushing");
  // The next sweep, the new run still queued: the same event ids, which Inngest drops as copies.
  const again = await findOrphanedPushes(prisma, now, sweepRunLookup(lookup));
  expect(again.map((p) => p.eventId).sort()).toEqual(pushes.map((p) => p.eventId).sort());
  await prisma.connection.delete({ where: { id: channel.id } });
});

it("re-sends pushes no run took in 10 minutes as one bulk push per storefront, and leaves newer, taken, parked and landed ones alone", async ({
  prisma,
  tenantA: fx,
}) => {
  const storefront = async (name: string) => {
    const channel = await prisma.connection.create({
      data: { tenantId: fx.tenant.id, provider: "WOOCOMMERCE", direction: "CHANNEL", name, baseUrl: "http://w" },
    });
    await prisma.itemLink.create({
      data: { tenantId: fx.tenant.id, itemId: fx.item.id, connectionId: channel.id, externalId: `${name}-7` },
    });
    return channel;
  };
  const woo = await storefront("woo");
  const shop = await storefront("shop");
  const push = (connectionId: string, createdAt: Date, more: object = {}) =>
    prisma.channelPush.create({
      data: {
        tenantId: fx.tenant.id,
        connectionId,
        itemId: fx.item.id,
        webhookEventId: fx.event.id,
        quantity: 1,
        status: "AVAILABLE",
        createdAt,
        ...more,
      },
    });
  // Lost with the event sent for them: a dev-server restart before any run started.
  const lostA = await push(woo.id, ago(11 * 60_000));
  const lostB = await push(woo.id, ago(12 * 60_000));
  const lostShop = await push(shop.id, ago(15 * 60_000));
  await push(woo.id, ago(5 * 60_000)); // its event may still be queued behind a burst
  await push(woo.id, ago(11 * 60_000), { inngestRunId: "run-1" }); // taken: the orphan pass's business
  await push(woo.id, ago(11 * 60_000), { nextAttemptAt: ago(-60_000) }); // waiting for its next attempt
  await push(woo.id, ago(11 * 60_000), { state: "SUCCEEDED" });

  const sweep = await findUnstartedPushes(prisma, now);
  const byStorefront = new Map(sweep.map((chunk) => [chunk.connectionId, chunk]));
  expect(sweep).toHaveLength(2);
  expect(byStorefront.get(woo.id)).toMatchObject({ tenantId: fx.tenant.id, pushIds: [lostB.id, lostA.id] });
  expect(byStorefront.get(shop.id)?.pushIds).toEqual([lostShop.id]);

  // A minute later, the same window: the same senders, so Inngest drops the copies. The next window sends again.
  const again = await findUnstartedPushes(prisma, new Date(now.getTime() + 60_000));
  expect(again.map((chunk) => chunk.sender)).toEqual(sweep.map((chunk) => chunk.sender));
  const nextWindow = await findUnstartedPushes(prisma, new Date(now.getTime() + STUCK_AFTER_MS));
  expect(nextWindow[0]!.sender).not.toBe(sweep[0]!.sender);

  await prisma.connection.deleteMany({ where: { id: { in: [woo.id, shop.id] } } });
});
