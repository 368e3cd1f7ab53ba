import type { PrismaClient } from "@/generated/prisma/client";
import type { InngestRunLookup } from "@/server/event-log/inngest-run";
import { isArrivalRunId } from "./attempts";
import { perStorefront, RECONCILE_PUSHES_PER_RUN } from "./reconcile-pushes";

/**
 * Finds acknowledged webhook events that the pipeline has not picked up: still QUEUED 30 s after
 * arrival (Inngest was unreachable, or is behind), re-sent under the id they were handed over in
 * (their own, or the event that named them with others) so Inngest drops a copy it already has;
 * events PROCESSING for over a minute (STOCKHOOK_ORPHANED_AFTER_MS) whose Inngest run is gone,
 * failed or cancelled (an Inngest server that kept its queue in memory died mid-run), and
 * storefront pushes whose run died likewise; and events stuck
 * QUEUED/PROCESSING for 30 minutes, re-sent under a fresh id. Re-sending is idempotent: the apply
 * function skips events already in a final state and re-pushes only unfinished channels.
 */
export const UNSENT_GRACE_MS = 30_000;
export const ORPHANED_AFTER_MS = 60_000;
export const STUCK_AFTER_MS = 30 * 60_000;
/** A push no run has taken for this long lost the event sent for it (findUnstartedPushes). */
export const UNSTARTED_PUSH_AFTER_MS = 10 * 60_000;
/** Rows per re-sent bulk push: what a reconcile puts in one. */
const UNSTARTED_PUSHES_PER_EVENT = RECONCILE_PUSHES_PER_RUN;
const BATCH = 500;
/** Rows checked per sweep and kind (events, pushes): each distinct run is one request to the Inngest server. */
const ORPHAN_LOOKUPS = 200;
/** Pushes older than this are past anything a run could still be retrying. */
const PUSH_ORPHAN_HORIZON_MS = 24 * 60 * 60_000;
const LOOKUPS_IN_FLIGHT = 10;
/** Run statuses (Inngest's API, any case) after which the run will never finish the event. */
const ENDED_WITHOUT_FINISHING = new Set(["failed", "cancelled"]);
/**
 * …and the push. A run that took a push ends only after the push landed, failed for good or was
 * handed to a push-item run (whose first attempt names that run instead), so a push still PENDING
 * under a completed run was lost, whatever the cause. (The fast path's step, run again, pushes
 * what its earlier try left, unattemptedPushesOf; this is the net under that.)
 */
const ENDED_WITHOUT_PUSHING = new Set([...ENDED_WITHOUT_FINISHING, "completed"]);

export interface ResendCandidate {
  id: string;
  tenantId: string;
  /**
   * The Inngest event id: for a first send the id the delivery was handed over in (candidates
   * sharing it go in one event), a fresh one for a stuck or orphaned re-send.
   */
  eventId: string;
  reason: "unsent" | "orphaned" | "stuck";
  /** Orphans: the run found dead, whose id the event still carries. */
  deadRunId?: string;
}

const candidate = (e: { id: string; tenantId: string }) => ({ id: e.id, tenantId: e.tenantId });

export async function findEventsToResend(prisma: PrismaClient, now: Date): Promise<ResendCandidate[]> {
  const select = { id: true, tenantId: true } as const;
  const unsent = await prisma.webhookEvent.findMany({
    where: {
      status: "QUEUED",
      sentAt: null,
      receivedAt: { lt: new Date(now.getTime() - UNSENT_GRACE_MS), gte: new Date(now.getTime() - STUCK_AFTER_MS) },
    },
    orderBy: { receivedAt: "asc" },
    take: BATCH,
    select: { ...select, handOver: { select: { handOverId: true } } },
  });
  // The rest of each gathered hand-over goes too: re-sent under its id later, on its own, Inngest
  // would drop it as a copy of this re-send.
  const handOverIds = [...new Set(unsent.flatMap((e) => e.handOver?.handOverId ?? []))];
  const companions = handOverIds.length
    ? await prisma.webhookHandOver.findMany({
        where: {
          handOverId: { in: handOverIds },
          webhookEventId: { notIn: unsent.map((e) => e.id) },
          webhookEvent: { status: "QUEUED", sentAt: null },
        },
        select: { webhookEventId: true, tenantId: true, handOverId: true },
      })
    : [];
  const stuckBefore = new Date(now.getTime() - STUCK_AFTER_MS);
  const stuck = await prisma.webhookEvent.findMany({
    // Measured from the last hand-over (a replayed old event is not stuck the moment it is re-sent).
    where: {
      status: { in: ["QUEUED", "PROCESSING"] },
      OR: [{ sentAt: { lt: stuckBefore } }, { sentAt: null, receivedAt: { lt: stuckBefore } }],
    },
    orderBy: { receivedAt: "asc" },
    take: BATCH,
    select,
  });
  return [
    ...unsent.map((e) => ({ ...candidate(e), eventId: e.handOver?.handOverId ?? e.id, reason: "unsent" as const })),
    ...companions.map((e) => ({
      id: e.webhookEventId,
      tenantId: e.tenantId,
      eventId: e.handOverId,
      reason: "unsent" as const,
    })),
    ...stuck.map((e) => ({ ...candidate(e), eventId: `${e.id}:resend:${now.getTime()}`, reason: "stuck" as const })),
  ];
}

export async function markSent(prisma: PrismaClient, ids: string[], now: Date): Promise<void> {
  if (ids.length) await prisma.webhookEvent.updateMany({ where: { id: { in: ids } }, data: { sentAt: now } });
}

/** Records the Inngest event that named these deliveries of a tenant together (src/server/inbound/hand-over.ts). */
export async function recordHandOver(
  prisma: PrismaClient,
  handOver: { id: string; tenantId: string; webhookEventIds: string[] },
): Promise<void> {
  await prisma.webhookHandOver.createMany({
    data: handOver.webhookEventIds.map((webhookEventId) => ({
      webhookEventId,
      tenantId: handOver.tenantId,
      handOverId: handOver.id,
    })),
    skipDuplicates: true,
  });
}

/** Hand-overs older than the unsent pass looks: past them the stuck pass re-sends under fresh ids. */
export async function forgetOldHandOvers(prisma: PrismaClient, now: Date): Promise<number> {
  const { count } = await prisma.webhookHandOver.deleteMany({
    where: { createdAt: { lt: new Date(now.getTime() - STUCK_AFTER_MS) } },
  });
  return count;
}

/** The events a sweep sends: candidates sharing an Inngest event id go in one, as they were first handed over. */
export function resendEvents(
  candidates: ResendCandidate[],
): { id: string; tenantId: string; webhookEventIds: string[] }[] {
  const events = new Map<string, { id: string; tenantId: string; webhookEventIds: string[] }>();
  for (const c of candidates) {
    const event = events.get(c.eventId);
    if (event) event.webhookEventIds.push(c.id);
    else events.set(c.eventId, { id: c.eventId, tenantId: c.tenantId, webhookEventIds: [c.id] });
  }
  return [...events.values()];
}

export type RunLookup = (runId: string) => Promise<InngestRunLookup>;

/** The run will never finish its work: the server says it ended (`ended`), or does not know it. */
const runIsGone = (run: InngestRunLookup, ended: Set<string>) =>
  run.found ? ended.has(run.status.toLowerCase()) : run.unknownToServer === true;

/**
 * One sweep's run lookups: each run is asked about once (a batch run holds many events), and once
 * the server has failed to answer nothing more is asked — nothing is known, so nothing is re-sent.
 */
export function sweepRunLookup(lookupRun: RunLookup): RunLookup {
  const asked = new Map<string, Promise<InngestRunLookup>>();
  let unreachable: InngestRunLookup | undefined;
  return (runId) => {
    if (unreachable) return Promise.resolve({ ...unreachable, runId });
    let answer = asked.get(runId);
    if (!answer) {
      answer = lookupRun(runId).then((run) => {
        if (!run.found && !run.unknownToServer) unreachable ??= run;
        return run;
      });
      asked.set(runId, answer);
    }
    return answer;
  };
}

/** The rows whose run is gone, asked LOOKUPS_IN_FLIGHT at a time. */
async function withGoneRuns<Row extends { inngestRunId: string | null }>(
  rows: Row[],
  lookupRun: RunLookup,
  ended = ENDED_WITHOUT_FINISHING,
) {
  // An attempt on arrival has no Inngest run to ask about, and lasts seconds: its rows left behind
  // after a minute belong to a process that died (or a failure its delivery's run has not taken over).
  const gone = rows.filter((row) => isArrivalRunId(row.inngestRunId));
  const asked = rows.filter((row) => !isArrivalRunId(row.inngestRunId));
  for (let offset = 0; offset < asked.length; offset += LOOKUPS_IN_FLIGHT) {
    const batch = asked.slice(offset, offset + LOOKUPS_IN_FLIGHT);
    const lookups = await Promise.all(batch.map((row) => lookupRun(row.inngestRunId!)));
    batch.forEach((row, index) => {
      if (runIsGone(lookups[index]!, ended)) gone.push(row);
    });
  }
  return gone;
}

/**
 * Events PROCESSING for over `orphanedAfterMs` (and not yet stuck) whose run the Inngest server
 * reports as failed or cancelled, or does not know at all. A run still going (waiting out a
 * breaker or a 429) is left alone, and so is every event when the server cannot be asked: nothing
 * is known.
 */
export async function findOrphanedEvents(
  prisma: PrismaClient,
  now: Date,
  lookupRun: RunLookup,
  orphanedAfterMs = ORPHANED_AFTER_MS,
): Promise<ResendCandidate[]> {
  const rows = await prisma.webhookEvent.findMany({
    where: {
      status: "PROCESSING",
      inngestRunId: { not: null },
      sentAt: { lt: new Date(now.getTime() - orphanedAfterMs), gte: new Date(now.getTime() - STUCK_AFTER_MS) },
    },
    orderBy: { sentAt: "asc" },
    take: ORPHAN_LOOKUPS,
    select: { id: true, tenantId: true, inngestRunId: true },
  });
  return (await withGoneRuns(rows, lookupRun)).map((row) => ({
    ...candidate(row),
    eventId: `${row.id}:orphan:${now.getTime()}`,
    reason: "orphaned" as const,
    deadRunId: row.inngestRunId!,
  }));
}

/** A storefront push to hand to push-item again, as the `stock/channel.push` event it consumes. */
export interface OrphanedPush {
  pushId: string;
  tenantId: string;
  itemId: string;
  connectionId: string;
  externalId: string;
  webhookEventId?: string;
  syncRunId?: string;
  /**
   * Named after the dead run: while the server remembers the re-send, a later sweep's copy (the
   * new run still queued, the row still naming the dead one) is dropped as a duplicate.
   */
  eventId: string;
}

/**
 * Storefront pushes PENDING with a run that took them, due (their next attempt, or their last
 * one) over `orphanedAfterMs` ago, whose run is gone, failed, cancelled or completed: a dev-server
 * restart lost it (or see ENDED_WITHOUT_PUSHING), and without a re-send the storefront would stay stale. Pushes no run has taken yet
 * are left to the event that was sent for them (and to findUnstartedPushes once it is overdue).
 */
export async function findOrphanedPushes(
  prisma: PrismaClient,
  now: Date,
  lookupRun: RunLookup,
  orphanedAfterMs = ORPHANED_AFTER_MS,
): Promise<OrphanedPush[]> {
  const dueBefore = new Date(now.getTime() - orphanedAfterMs);
  const rows = await prisma.channelPush.findMany({
    where: {
      state: "PENDING",
      inngestRunId: { not: null },
      createdAt: { gte: new Date(now.getTime() - PUSH_ORPHAN_HORIZON_MS) },
      connection: { direction: "CHANNEL", status: "ACTIVE" },
      OR: [
        { nextAttemptAt: { lt: dueBefore } },
        { nextAttemptAt: null, lastAttemptAt: { lt: dueBefore } },
        { nextAttemptAt: null, lastAttemptAt: null, createdAt: { lt: dueBefore } },
      ],
    },
    orderBy: { createdAt: "asc" },
    take: ORPHAN_LOOKUPS,
    select: {
      id: true,
      tenantId: true,
      itemId: true,
      connectionId: true,
      webhookEventId: true,
      syncRunId: true,
      inngestRunId: true,
    },
  });
  const gone = await withGoneRuns(rows, lookupRun, ENDED_WITHOUT_PUSHING);
  if (!gone.length) return [];
  const links = await prisma.itemLink.findMany({
    where: { connectionId: { in: gone.map((p) => p.connectionId) }, itemId: { in: gone.map((p) => p.itemId) } },
    select: { connectionId: true, itemId: true, externalId: true },
  });
  const externalIdOf = new Map(links.map((link) => [`${link.connectionId}:${link.itemId}`, link.externalId]));
  return gone.flatMap((push) => {
    const externalId = externalIdOf.get(`${push.connectionId}:${push.itemId}`);
    // Unlinked since: there is nothing on that storefront to push to any more.
    if (!externalId) return [];
    return [
      {
        pushId: push.id,
        tenantId: push.tenantId,
        itemId: push.itemId,
        connectionId: push.connectionId,
        externalId,
        ...(push.webhookEventId ? { webhookEventId: push.webhookEventId } : {}),
        ...(push.syncRunId ? { syncRunId: push.syncRunId } : {}),
        eventId: `push:orphan:${push.id}:${push.inngestRunId}`,
      },
    ];
  });
}

/**
 * Orphans re-sent: the dead run's id is cleared so the next sweep does not ask about it again
 * before the new run has claimed the event (a re-send that is lost too waits for the 30-minute
 * stuck pass). An event the new run has claimed already (its id in place of the dead one) keeps it.
 */
export async function markOrphansResent(
  prisma: PrismaClient,
  orphans: Pick<ResendCandidate, "id" | "deadRunId">[],
  now: Date,
): Promise<void> {
  const byRun = new Map<string, string[]>();
  for (const { id, deadRunId } of orphans) if (deadRunId) byRun.set(deadRunId, [...(byRun.get(deadRunId) ?? []), id]);
  for (const [deadRunId, ids] of byRun)
    await prisma.webhookEvent.updateMany({
      where: { id: { in: ids }, status: "PROCESSING", inngestRunId: deadRunId },
      data: { sentAt: now, inngestRunId: null },
    });
}

/** One storefront's overdue pushes, re-sent as one bulk push (push-channel-batch). */
export interface UnstartedPushes {
  tenantId: string;
  connectionId: string;
  pushIds: string[];
  /** Names the re-send: the same for every sweep within one STUCK_AFTER_MS window. */
  sender: string;
}

/**
 * Storefront pushes PENDING that no run has taken in UNSTARTED_PUSH_AFTER_MS: the event sent for
 * them (a push-item, a storefront's bulk push) was lost before any run started, as when the dev
 * server, which queues in memory, restarts. The wait is longer than the queue in front of the
 * largest burst measured took to reach its pushes (docs/benchmarks.md). They go out again as bulk
 * pushes, one run per storefront at a time as ever, so a large reconcile's backlog is not
 * multiplied into single calls; a row whose own run starts after all is found delivered there, or
 * waits for the other's lease. The sweeps of one STUCK_AFTER_MS window send the same event ids,
 * which Inngest drops as copies; the next window sends again if the first re-send was lost too.
 */
export async function findUnstartedPushes(
  prisma: PrismaClient,
  now: Date,
  unstartedAfterMs = UNSTARTED_PUSH_AFTER_MS,
): Promise<UnstartedPushes[]> {
  const overdue = new Date(now.getTime() - unstartedAfterMs);
  const rows = await prisma.channelPush.findMany({
    where: {
      state: "PENDING",
      inngestRunId: null,
      createdAt: { lt: overdue, gte: new Date(now.getTime() - PUSH_ORPHAN_HORIZON_MS) },
      OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lt: overdue } }],
      connection: { direction: "CHANNEL", status: "ACTIVE" },
    },
    orderBy: [{ connectionId: "asc" }, { createdAt: "asc" }],
    take: UNSTARTED_PUSHES_PER_EVENT * 5,
    select: { id: true, tenantId: true, connectionId: true },
  });
  const sender = `sweep:${Math.floor(now.getTime() / STUCK_AFTER_MS)}`;
  const tenantOf = new Map(rows.map((row) => [row.connectionId, row.tenantId]));
  return perStorefront(rows, UNSTARTED_PUSHES_PER_EVENT).map((chunk) => ({
    tenantId: tenantOf.get(chunk.connectionId)!,
    ...chunk,
    sender,
  }));
}
