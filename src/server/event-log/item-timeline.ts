import type { TenantDb } from "@/server/tenancy/tenant-db";

/**
 * Everything that happened to one item, oldest first: each stock change with the delivery or
 * reconcile that caused it, deliveries about it that changed nothing (stale, skipped, failed),
 * and each push to a storefront with its result.
 */
export type ItemTimelineEntry =
  | {
      kind: "change";
      at: Date;
      id: string;
      quantityBefore: number;
      quantityAfter: number;
      statusBefore: string;
      statusAfter: string;
      source: string;
      webhookEventId: string | null;
      syncRunId: string | null;
    }
  | {
      kind: "event";
      at: Date;
      id: string;
      status: string;
      topic: string | null;
      action: string | null;
      error: string | null;
      connectionName: string;
    }
  | {
      kind: "push";
      at: Date;
      id: string;
      channelName: string;
      quantity: number;
      status: string;
      state: string;
      attempts: number;
      error: string | null;
      pushedAt: Date | null;
    }
  /** A failed or parked push attempt, or a replay's processing: the failure period and the replay stay in the history. */
  | {
      kind: "attempt";
      at: Date;
      id: string;
      attemptKind: string;
      channelName: string | null;
      number: number;
      outcome: string;
      error: string | null;
      replay: boolean;
      webhookEventId: string | null;
    };

const LIMIT = 500;

export async function itemTimeline(db: TenantDb, itemId: string) {
  const item = await db.item.findFirst({
    where: { id: itemId },
    select: {
      id: true,
      sku: true,
      title: true,
      quantity: true,
      status: true,
      oneOfAKind: true,
      version: true,
      lastSourceAt: true,
      updatedAt: true,
      levels: { select: { locationId: true, quantity: true }, orderBy: { locationId: "asc" } },
      links: {
        select: { externalId: true, connection: { select: { id: true, name: true, provider: true, direction: true } } },
      },
    },
  });
  if (!item) return null;
  const [changes, events, pushes, attempts] = await Promise.all([
    db.stockChange.findMany({ where: { itemId }, orderBy: { createdAt: "desc" }, take: LIMIT }),
    // Deliveries that changed the item appear through their change; these are the ones that did not.
    db.webhookEvent.findMany({
      where: { itemId, status: { notIn: ["APPLIED"] } },
      orderBy: { receivedAt: "desc" },
      take: LIMIT,
      select: {
        id: true,
        receivedAt: true,
        status: true,
        topic: true,
        action: true,
        error: true,
        connection: { select: { name: true } },
      },
    }),
    db.channelPush.findMany({
      where: { itemId },
      orderBy: { createdAt: "desc" },
      take: LIMIT,
      include: { connection: { select: { name: true } } },
    }),
    // Successful first attempts are already told by their change and push; failures and replays are not.
    db.pipelineAttempt.findMany({
      where: { itemId, OR: [{ outcome: { in: ["FAILED", "RATE_LIMITED", "PARKED"] } }, { replay: true }] },
      orderBy: { startedAt: "desc" },
      take: LIMIT,
    }),
  ]);
  const connectionNames = new Map(item.links.map((link) => [link.connection.id, link.connection.name]));
  const entries: ItemTimelineEntry[] = [
    ...changes.map((change) => ({
      kind: "change" as const,
      at: change.createdAt,
      id: change.id,
      quantityBefore: change.quantityBefore,
      quantityAfter: change.quantityAfter,
      statusBefore: change.statusBefore,
      statusAfter: change.statusAfter,
      source: change.source,
      webhookEventId: change.webhookEventId,
      syncRunId: change.syncRunId,
    })),
    ...events.map((event) => ({
      kind: "event" as const,
      at: event.receivedAt,
      id: event.id,
      status: event.status,
      topic: event.topic,
      action: event.action,
      error: event.error,
      connectionName: event.connection.name,
    })),
    ...pushes.map((push) => ({
      kind: "push" as const,
      at: push.createdAt,
      id: push.id,
      channelName: push.connection.name,
      quantity: push.quantity,
      status: push.status,
      state: push.state,
      attempts: push.attempts,
      error: push.error,
      pushedAt: push.pushedAt,
    })),
    ...attempts.map((attempt) => ({
      kind: "attempt" as const,
      at: attempt.startedAt,
      id: attempt.id,
      attemptKind: attempt.kind,
      channelName: attempt.kind === "PUSH" ? (connectionNames.get(attempt.connectionId) ?? null) : null,
      number: attempt.number,
      outcome: attempt.outcome,
      error: attempt.error,
      replay: attempt.replay,
      webhookEventId: attempt.webhookEventId,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || a.kind.localeCompare(b.kind));
  return {
    item,
    entries,
    truncated:
      changes.length === LIMIT || events.length === LIMIT || pushes.length === LIMIT || attempts.length === LIMIT,
  };
}
