import type { TenantDb } from "@/server/tenancy/tenant-db";
import { MAX_DELIVERIES_PER_BATCHED_EVENT } from "@/server/inbound/hand-over";
import { itemConcurrencyKey } from "@/server/pipeline/item-key";
import { isReplayable } from "./timeline";

export type SendPipelineEvent = (event: {
  name: string;
  data: Record<string, unknown>;
  id?: string;
}) => Promise<unknown>;

export interface ReplayResult {
  replayed: string[];
  /** Queued but not handed to Inngest (unreachable): the sweeper sends them within a minute. */
  deferred: string[];
  refused: { id: string; reason: string }[];
}

/** At most this many events are replayed by one request; the dashboard pages beyond it. */
export const MAX_REPLAY = 500;

/**
 * Sends FAILED and SKIPPED deliveries through the pipeline again. Each goes back to QUEUED (so
 * the apply function processes it instead of treating it as final) and is re-sent under a fresh
 * Inngest event id; the stock engine's ordering rules still hold, so a replay of an old delivery
 * never regresses stock, and only the storefronts not yet updated are pushed again.
 */
export async function replayEvents(
  db: TenantDb,
  ids: string[],
  send: SendPipelineEvent,
  now = new Date(),
): Promise<ReplayResult> {
  const events = await db.webhookEvent.findMany({
    where: { id: { in: ids.slice(0, MAX_REPLAY) } },
    select: { id: true, tenantId: true, connectionId: true, status: true, signatureVerdict: true, externalIds: true },
  });
  const found = new Map(events.map((event) => [event.id, event]));
  const refused: ReplayResult["refused"] = [];
  for (const id of ids) {
    const event = found.get(id);
    if (!event) refused.push({ id, reason: "Event not found" });
    else if (!isReplayable(event))
      refused.push({
        id,
        reason: `A ${event.status.toLowerCase()} event cannot be replayed; only failed or skipped deliveries that passed their signature check can`,
      });
  }
  const replayable = events.filter(isReplayable);
  if (!replayable.length) return { replayed: [], deferred: [], refused };

  // Only rows still FAILED/SKIPPED flip, so two people pressing Replay at once send each event once.
  const claimed = await db.webhookEvent.updateManyAndReturn({
    where: { id: { in: replayable.map((event) => event.id) }, status: { in: ["FAILED", "SKIPPED"] } },
    data: { status: "QUEUED", error: null, completedAt: null, sentAt: now },
    select: { id: true, tenantId: true, connectionId: true, externalIds: true },
  });
  const deferred: string[] = [];
  const handOver = (ids: string[], event: Parameters<SendPipelineEvent>[0]) =>
    send(event).catch(() => void deferred.push(...ids));
  const [only] = claimed;
  if (claimed.length === 1 && only)
    await handOver([only.id], {
      name: "stock/webhook.received",
      id: `${only.id}:replay:${now.getTime()}`,
      data: {
        tenantId: only.tenantId,
        connectionId: only.connectionId,
        webhookEventId: only.id,
        itemKey: itemConcurrencyKey(only.connectionId, only.externalIds),
      },
    });
  else
    // Several at once go to the batched path, so a bulk replay never queues in front of single sales.
    for (let i = 0; i < claimed.length; i += MAX_DELIVERIES_PER_BATCHED_EVENT) {
      const chunk = claimed.slice(i, i + MAX_DELIVERIES_PER_BATCHED_EVENT);
      const ids = chunk.map((event) => event.id);
      await handOver(ids, {
        name: "stock/webhook.batched",
        id: `${ids[0]}:replay:${now.getTime()}`,
        data: { tenantId: chunk[0]!.tenantId, webhookEventIds: ids },
      });
    }
  // Never handed over: with no send time the sweeper's stuck-event pass picks them up.
  if (deferred.length) await db.webhookEvent.updateMany({ where: { id: { in: deferred } }, data: { sentAt: null } });
  const claimedIds = new Set(claimed.map((event) => event.id));
  for (const event of replayable)
    if (!claimedIds.has(event.id)) refused.push({ id: event.id, reason: "Already being replayed" });
  return { replayed: claimed.map((event) => event.id).filter((id) => !deferred.includes(id)), deferred, refused };
}
