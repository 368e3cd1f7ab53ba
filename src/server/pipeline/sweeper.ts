import type { PrismaClient } from "@/generated/prisma/client";
import { itemConcurrencyKey } from "./item-key";

/**
 * Finds acknowledged webhook events that the pipeline has not picked up: still QUEUED 30 s after
 * arrival (Inngest was unreachable, or is behind), re-sent under their own id so Inngest drops
 * a copy it already has; and events stuck QUEUED/PROCESSING for 30 minutes, re-sent under a
 * fresh id. Re-sending is idempotent: the apply function skips events already in a final state.
 */
export const UNSENT_GRACE_MS = 30_000;
export const STUCK_AFTER_MS = 30 * 60_000;
const BATCH = 500;

export interface ResendCandidate {
  id: string;
  tenantId: string;
  connectionId: string;
  itemKey: string;
  /** The Inngest event id: the event id for a first send, a fresh one for a stuck re-send. */
  eventId: string;
  reason: "unsent" | "stuck";
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
    where: { status: "QUEUED", sentAt: null, receivedAt: { lt: new Date(now.getTime() - UNSENT_GRACE_MS), gte: new Date(now.getTime() - STUCK_AFTER_MS) } },
    orderBy: { receivedAt: "asc" },
    take: BATCH,
    select,
  });
  const stuckBefore = new Date(now.getTime() - STUCK_AFTER_MS);
  const stuck = await prisma.webhookEvent.findMany({
    // Measured from the last hand-over (a replayed old event is not stuck the moment it is re-sent).
    where: { status: { in: ["QUEUED", "PROCESSING"] }, OR: [{ sentAt: { lt: stuckBefore } }, { sentAt: null, receivedAt: { lt: stuckBefore } }] },
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
