import type { PrismaClient } from "@/generated/prisma/client";
import type { InngestRunLookup } from "@/server/event-log/inngest-run";
import { itemConcurrencyKey } from "./item-key";

/**
 * Finds acknowledged webhook events that the pipeline has not picked up: still QUEUED 30 s after
 * arrival (Inngest was unreachable, or is behind), re-sent under their own id so Inngest drops
 * a copy it already has; events PROCESSING for over a minute whose Inngest run is gone, failed or
 * cancelled (an Inngest server that kept its queue in memory died mid-run); and events stuck
 * QUEUED/PROCESSING for 30 minutes, re-sent under a fresh id. Re-sending is idempotent: the apply
 * function skips events already in a final state and re-pushes only unfinished channels.
 */
export const UNSENT_GRACE_MS = 30_000;
export const ORPHANED_AFTER_MS = 60_000;
export const STUCK_AFTER_MS = 30 * 60_000;
const BATCH = 500;
/** Run lookups per sweep: each is one request to the Inngest server. */
const ORPHAN_LOOKUPS = 200;
const LOOKUPS_IN_FLIGHT = 10;
/** Run statuses (Inngest's API, any case) after which the run will never finish the event. */
const ENDED_WITHOUT_FINISHING = new Set(["failed", "cancelled"]);

export interface ResendCandidate {
  id: string;
  tenantId: string;
  connectionId: string;
  itemKey: string;
  /** The Inngest event id: the event id for a first send, a fresh one for a stuck re-send. */
  eventId: string;
  reason: "unsent" | "orphaned" | "stuck";
}

const candidate = (e: { id: string; tenantId: string; connectionId: string; externalIds: string[] }) => ({
  id: e.id,
  tenantId: e.tenantId,
  connectionId: e.connectionId,
  itemKey: itemConcurrencyKey(e.connectionId, e.externalIds),
});

export async function findEventsToResend(prisma: PrismaClient, now: Date): Promise<ResendCandidate[]> {
  const select = { id: true, tenantId: true, connectionId: true, attempts: true, externalIds: true } as const;
  const unsent = await prisma.webhookEvent.findMany({
    where: {
      status: "QUEUED",
      sentAt: null,
      receivedAt: { lt: new Date(now.getTime() - UNSENT_GRACE_MS), gte: new Date(now.getTime() - STUCK_AFTER_MS) },
    },
    orderBy: { receivedAt: "asc" },
    take: BATCH,
    select,
  });
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
    ...unsent.map((e) => ({ ...candidate(e), eventId: e.id, reason: "unsent" as const })),
    ...stuck.map((e) => ({ ...candidate(e), eventId: `${e.id}:resend:${now.getTime()}`, reason: "stuck" as const })),
  ];
}

export async function markSent(prisma: PrismaClient, ids: string[], now: Date): Promise<void> {
  if (ids.length) await prisma.webhookEvent.updateMany({ where: { id: { in: ids } }, data: { sentAt: now } });
}

export type RunLookup = (runId: string) => Promise<InngestRunLookup>;

/**
 * Events PROCESSING for over a minute (and not yet stuck) whose run the Inngest server reports as
 * failed or cancelled, or does not know at all. A run still going (waiting out a breaker or a
 * 429) is left alone, and so is every event when the server cannot be asked: nothing is known.
 */
export async function findOrphanedEvents(
  prisma: PrismaClient,
  now: Date,
  lookupRun: RunLookup,
): Promise<ResendCandidate[]> {
  const rows = await prisma.webhookEvent.findMany({
    where: {
      status: "PROCESSING",
      inngestRunId: { not: null },
      sentAt: { lt: new Date(now.getTime() - ORPHANED_AFTER_MS), gte: new Date(now.getTime() - STUCK_AFTER_MS) },
    },
    orderBy: { sentAt: "asc" },
    take: ORPHAN_LOOKUPS,
    select: { id: true, tenantId: true, connectionId: true, externalIds: true, inngestRunId: true },
  });
  const orphaned: ResendCandidate[] = [];
  for (let offset = 0; offset < rows.length; offset += LOOKUPS_IN_FLIGHT) {
    const batch = rows.slice(offset, offset + LOOKUPS_IN_FLIGHT);
    const lookups = await Promise.all(batch.map((row) => lookupRun(row.inngestRunId!)));
    batch.forEach((row, index) => {
      const run = lookups[index]!;
      const gone = run.found ? ENDED_WITHOUT_FINISHING.has(run.status.toLowerCase()) : run.unknownToServer === true;
      if (gone) orphaned.push({ ...candidate(row), eventId: `${row.id}:orphan:${now.getTime()}`, reason: "orphaned" });
    });
  }
  return orphaned;
}

/**
 * Orphans re-sent: the old run id is cleared so the next sweep does not ask about the dead run
 * again before the new one has claimed the event (a re-send that is lost too waits for the
 * 30-minute stuck pass).
 */
export async function markOrphansResent(prisma: PrismaClient, ids: string[], now: Date): Promise<void> {
  if (ids.length)
    await prisma.webhookEvent.updateMany({
      where: { id: { in: ids }, status: "PROCESSING" },
      data: { sentAt: now, inngestRunId: null },
    });
}
