import { Prisma, type PrismaClient, type WebhookStatus } from "@/generated/prisma/client";
import { pushMaxAttempts, pushRetryDelaysMs } from "@/server/pipeline/channel-push";
import type { TenantDb } from "@/server/tenancy/tenant-db";
import { rejectedPerConnection } from "@/server/inbound/rejection-counts";

/**
 * Where a tenant's webhook events are in the pipeline, from the database of record: counts per
 * connection, the oldest delivery still waiting, throughput, retries under way, what failed for
 * good, reconciles running, and requests refused at the front door. Pending, processing and failed
 * count at any age (they need attention whenever they arrived). Every "completed" figure — the
 * 24 h total, per connection, the per-minute chart and the rate — is the same definition (a
 * completed status, counted at its completedAt) over the windows in QUEUE_WINDOWS, so the figures
 * on the page can be added up and agree. Refused counts cover the last 24 hours.
 */
export const QUEUE_GROUPS = {
  pending: ["RECEIVED", "QUEUED"],
  processing: ["PROCESSING"],
  completed: ["APPLIED", "SKIPPED", "DUPLICATE", "STALE"],
  failed: ["FAILED"],
} as const satisfies Record<string, WebhookStatus[]>;

export type QueueGroup = keyof typeof QUEUE_GROUPS;
export type GroupCounts = Record<QueueGroup, number>;

const OPEN: WebhookStatus[] = [...QUEUE_GROUPS.pending, ...QUEUE_GROUPS.processing, ...QUEUE_GROUPS.failed];
const DAY_MS = 86_400_000;

/** The windows of the Queue page's figures, each defined once; the page's labels name them. */
export const QUEUE_WINDOWS = {
  /** Completed and refused totals. */
  totalsMs: DAY_MS,
  /** The per-minute throughput chart. */
  throughputMinutes: 30,
  /** The "per minute" rate: the chart's last minutes. */
  rateMinutes: 5,
} as const;
const THROUGHPUT_MINUTES = QUEUE_WINDOWS.throughputMinutes;

/**
 * "Completed" everywhere on the page: a completed status whose completedAt is at or after `since`.
 * The receivedAt bound only lets the (tenantId, receivedAt) index narrow the scan: a delivery
 * completes within a day of arriving.
 */
export function completedSince(since: Date) {
  return {
    status: { in: [...QUEUE_GROUPS.completed] },
    completedAt: { gte: since },
    receivedAt: { gte: new Date(since.getTime() - DAY_MS) },
  } satisfies Prisma.WebhookEventWhereInput;
}
const DEAD_LETTER_LIMIT = 100;
const RETRY_LIST_LIMIT = 100;

function groupOf(status: WebhookStatus): QueueGroup | null {
  for (const [group, statuses] of Object.entries(QUEUE_GROUPS) as [QueueGroup, readonly WebhookStatus[]][])
    if (statuses.includes(status)) return group;
  return null;
}

const emptyCounts = (): GroupCounts => ({ pending: 0, processing: 0, completed: 0, failed: 0 });

export async function queueStats(db: TenantDb, prisma: PrismaClient, now = new Date()) {
  const since = new Date(now.getTime() - QUEUE_WINDOWS.totalsMs);
  const [
    connections,
    grouped,
    completedGrouped,
    oldestPending,
    retryingEvents,
    retryingPushes,
    deadLettered,
    failedTotal,
    runs,
    perMinute,
    rejected,
    pushRetries,
    failedPushes,
  ] = await Promise.all([
    db.connection.findMany({
      select: { id: true, name: true, provider: true, direction: true },
      orderBy: { createdAt: "asc" },
    }),
    db.webhookEvent.groupBy({
      by: ["connectionId", "status", "verdict"],
      where: { status: { in: OPEN } },
      _count: { _all: true },
    }),
    db.webhookEvent.groupBy({ by: ["connectionId"], where: completedSince(since), _count: { _all: true } }),
    db.webhookEvent.findFirst({
      where: { status: { in: [...QUEUE_GROUPS.pending] } },
      orderBy: { receivedAt: "asc" },
      select: { receivedAt: true },
    }),
    db.webhookEvent.count({ where: { status: "PROCESSING", attempts: { gt: 1 } } }),
    db.channelPush.count({ where: { state: "PENDING", error: { not: null } } }),
    db.webhookEvent.findMany({
      where: { status: "FAILED" },
      orderBy: { receivedAt: "desc" },
      take: DEAD_LETTER_LIMIT,
      select: {
        id: true,
        receivedAt: true,
        topic: true,
        externalIds: true,
        error: true,
        attempts: true,
        signatureVerdict: true,
        connection: { select: { id: true, name: true } },
      },
    }),
    db.webhookEvent.count({ where: { status: "FAILED" } }),
    db.syncRun.findMany({
      where: { status: { in: ["QUEUED", "RUNNING"] } },
      orderBy: { startedAt: "asc" },
      select: {
        id: true,
        status: true,
        trigger: true,
        mode: true,
        pages: true,
        itemsScanned: true,
        itemsChanged: true,
        errorCount: true,
        nextAttemptAt: true,
        startedAt: true,
        connection: { select: { id: true, name: true } },
      },
    }),
    completedPerMinute(prisma, db.tenantId, THROUGHPUT_MINUTES, now),
    rejectedPerConnection(db, since),
    db.channelPush.findMany({
      where: { state: "PENDING", error: { not: null } },
      orderBy: { nextAttemptAt: "asc" },
      take: RETRY_LIST_LIMIT,
      select: {
        id: true,
        webhookEventId: true,
        itemId: true,
        runAttempt: true,
        attempts: true,
        nextAttemptAt: true,
        error: true,
        state: true,
        connection: { select: { id: true, name: true } },
      },
    }),
    // Storefront pushes that gave up in the last 24 h; older ones are usually superseded by a later push.
    db.channelPush.groupBy({
      by: ["connectionId"],
      where: { state: "FAILED", createdAt: { gte: since } },
      _count: { _all: true },
    }),
  ]);
  // An applied delivery fails at the storefront that refused it: that channel and its attempts are what counts.
  const deadPushes = deadLettered.length
    ? await db.channelPush.findMany({
        where: { webhookEventId: { in: deadLettered.map((event) => event.id) }, state: "FAILED" },
        select: { webhookEventId: true, attempts: true, connection: { select: { id: true, name: true } } },
      })
    : [];
  const retrySkus = new Map(
    (
      await db.item.findMany({
        where: { id: { in: [...new Set(pushRetries.map((push) => push.itemId))] } },
        select: { id: true, sku: true },
      })
    ).map((item) => [item.id, item.sku]),
  );

  const byConnection = new Map(connections.map((connection) => [connection.id, emptyCounts()]));
  const overall = emptyCounts();
  for (const row of grouped) {
    const group = groupOf(row.status);
    if (!group) continue;
    // Counted against the storefront below (its failed pushes), not against the source that delivered it.
    const failedAtStorefront = group === "failed" && row.verdict === "APPLIED";
    overall[group] += row._count._all;
    const counts = byConnection.get(row.connectionId);
    if (counts && !failedAtStorefront) counts[group] += row._count._all;
  }
  for (const row of failedPushes) {
    const counts = byConnection.get(row.connectionId);
    if (counts) counts.failed += row._count._all;
  }
  for (const row of completedGrouped) {
    overall.completed += row._count._all;
    const counts = byConnection.get(row.connectionId);
    if (counts) counts.completed += row._count._all;
  }
  const rateMinutes = QUEUE_WINDOWS.rateMinutes;
  const lastFew = perMinute.slice(-rateMinutes).reduce((sum, minute) => sum + minute.completed, 0);
  return {
    overall,
    connections: connections.map((connection) => ({
      ...connection,
      counts: byConnection.get(connection.id)!,
      rejected24h: rejected.get(connection.id) ?? 0,
    })),
    rejected24h: [...rejected.values()].reduce((sum, count) => sum + count, 0),
    oldestPendingAgeMs: oldestPending ? now.getTime() - oldestPending.receivedAt.getTime() : null,
    windows: QUEUE_WINDOWS,
    throughput: {
      perMinute,
      total: perMinute.reduce((sum, minute) => sum + minute.completed, 0),
      ratePerMinute: Math.round((lastFew / rateMinutes) * 10) / 10,
    },
    retriesInFlight: { events: retryingEvents, pushes: retryingPushes },
    /** Storefront pushes that failed at least once and wait for their next attempt, by item and store. */
    pushRetries: pushRetries.map((push) => ({ ...push, sku: retrySkus.get(push.itemId) ?? null })),
    maxPushAttempts: pushMaxAttempts(pushRetryDelaysMs()),
    deadLettered: deadLettered.map((event) => ({
      ...event,
      failedPushes: deadPushes.filter((push) => push.webhookEventId === event.id),
    })),
    failedTotal,
    runs,
  };
}

export interface MinuteBucket {
  minute: Date;
  completed: number;
}

/** Events that reached a final state per minute, oldest first, with empty minutes filled in. */
export async function completedPerMinute(
  prisma: PrismaClient,
  tenantId: string,
  minutes: number,
  now = new Date(),
): Promise<MinuteBucket[]> {
  const end = new Date(now);
  end.setUTCSeconds(0, 0);
  const start = new Date(end.getTime() - (minutes - 1) * 60_000);
  const rows = await prisma.$queryRaw<{ minute: Date; completed: bigint }[]>`
    SELECT date_trunc('minute', "completedAt") AS minute, COUNT(*) AS completed
    FROM "WebhookEvent"
    WHERE "tenantId" = ${tenantId} AND "completedAt" >= ${start}
      -- The same "completed" as completedSince: failed and refused deliveries are counted apart.
      AND "status"::text IN (${Prisma.join([...QUEUE_GROUPS.completed])})
      -- Bounds the scan with the (tenantId, receivedAt) index; a delivery completes within a day of arriving.
      AND "receivedAt" >= ${new Date(start.getTime() - DAY_MS)}
    GROUP BY 1`;
  const counts = new Map(rows.map((row) => [new Date(row.minute).getTime(), Number(row.completed)]));
  return Array.from({ length: minutes }, (_, index) => {
    const minute = new Date(start.getTime() + index * 60_000);
    return { minute, completed: counts.get(minute.getTime()) ?? 0 };
  });
}
