import type { PrismaClient } from "@/generated/prisma/client";
import { rejectedPerBucket } from "@/server/inbound/rejection-counts";
import { ACTIVITY_RANGES, type ActivityRange } from "@/shared/activity-ranges";

/**
 * Aggregates for the overview that Prisma's query builder cannot express (percentiles, hourly
 * buckets). Every statement filters on the tenant id it is given; callers pass their own tenant.
 */
export interface LatencySummary {
  /** Webhook received → last channel confirmed, over events that reached every storefront. */
  samples: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export async function webhookToStorefrontLatency(
  prisma: PrismaClient,
  tenantId: string,
  since: Date,
): Promise<LatencySummary> {
  const [row] = await prisma.$queryRaw<{ samples: bigint; p50: number | null; p95: number | null }[]>`
    WITH delivered AS (
      SELECT e.id, EXTRACT(EPOCH FROM (MAX(p."pushedAt") - e."receivedAt")) * 1000 AS ms
      FROM "WebhookEvent" e
      JOIN "ChannelPush" p ON p."webhookEventId" = e.id AND p."tenantId" = e."tenantId"
      WHERE e."tenantId" = ${tenantId} AND e."receivedAt" >= ${since}
      GROUP BY e.id, e."receivedAt"
      HAVING bool_and(p.state = 'SUCCEEDED')
    )
    SELECT COUNT(*) AS samples,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95
    FROM delivered`;
  const round = (value: number | null | undefined) =>
    value === null || value === undefined ? null : Math.round(Number(value));
  return { samples: Number(row?.samples ?? 0), p50Ms: round(row?.p50), p95Ms: round(row?.p95) };
}

export interface ActivityBucket {
  /** The bucket's first instant; it lasts the range's bucket length. */
  start: Date;
  accepted: number;
  rejected: number;
  failed: number;
}

/**
 * Webhooks per bucket over a range (1 h in 5-minute buckets, 24 h in hours, 7 d in 6-hour
 * buckets), oldest first, with empty buckets filled in; the last bucket holds now.
 */
export async function eventsPerBucket(
  prisma: PrismaClient,
  tenantId: string,
  range: ActivityRange,
  now = new Date(),
): Promise<ActivityBucket[]> {
  const { bucketMinutes, buckets } = ACTIVITY_RANGES[range];
  const bucketMs = bucketMinutes * 60_000;
  const bucketSeconds = bucketMinutes * 60;
  const last = Math.floor(now.getTime() / bucketMs) * bucketMs;
  const start = new Date(last - (buckets - 1) * bucketMs);
  // Refused requests come from their counters: the REJECTED rows are only a sample of them.
  const [rows, rejected] = await Promise.all([
    prisma.$queryRaw<{ bucket: bigint; accepted: bigint; failed: bigint }[]>`
      SELECT FLOOR(EXTRACT(EPOCH FROM "receivedAt") / ${bucketSeconds}::int)::bigint AS bucket,
             COUNT(*) FILTER (WHERE status NOT IN ('REJECTED', 'FAILED')) AS accepted,
             COUNT(*) FILTER (WHERE status = 'FAILED') AS failed
      FROM "WebhookEvent"
      WHERE "tenantId" = ${tenantId} AND "receivedAt" >= ${start}
      GROUP BY 1`,
    rejectedPerBucket(prisma, tenantId, start, bucketSeconds),
  ]);
  const byStart = new Map(rows.map((row) => [Number(row.bucket) * bucketMs, row]));
  return Array.from({ length: buckets }, (_, index) => {
    const bucketStart = start.getTime() + index * bucketMs;
    const row = byStart.get(bucketStart);
    return {
      start: new Date(bucketStart),
      accepted: Number(row?.accepted ?? 0),
      rejected: rejected.get(bucketStart) ?? 0,
      failed: Number(row?.failed ?? 0),
    };
  });
}

export interface UndeliveredItems {
  connectionId: string;
  skus: string[];
  /** Items in total; `skus` holds at most `limit` of them. */
  count: number;
}

/**
 * Per storefront, the items it has not received yet because their latest push there failed (and
 * is retrying, parked, or gave up): what a shop owner needs to know during an outage. A later
 * successful push of the same item (a newer sale, a replay, a reconcile) takes it off the list.
 */
export async function undeliveredItems(
  prisma: PrismaClient,
  tenantId: string,
  connectionIds: string[],
  limit = 10,
  since = new Date(Date.now() - 7 * 86_400_000),
): Promise<UndeliveredItems[]> {
  if (!connectionIds.length) return [];
  const rows = await prisma.$queryRaw<{ connectionId: string; sku: string; total: bigint }[]>`
    WITH latest AS (
      SELECT DISTINCT ON (p."connectionId", p."itemId") p."connectionId", p."itemId", p.state, p.error
      FROM "ChannelPush" p
      WHERE p."tenantId" = ${tenantId} AND p."connectionId" = ANY(${connectionIds}) AND p."createdAt" >= ${since}
      ORDER BY p."connectionId", p."itemId", p."createdAt" DESC
    ), undelivered AS (
      SELECT l."connectionId", i.sku, COUNT(*) OVER (PARTITION BY l."connectionId") AS total,
             ROW_NUMBER() OVER (PARTITION BY l."connectionId" ORDER BY i.sku) AS position
      FROM latest l JOIN "Item" i ON i.id = l."itemId" AND i."tenantId" = ${tenantId}
      WHERE l.state = 'FAILED' OR (l.state = 'PENDING' AND l.error IS NOT NULL)
    )
    SELECT "connectionId", sku, total FROM undelivered WHERE position <= ${limit} ORDER BY "connectionId", sku`;
  const byConnection = new Map<string, UndeliveredItems>();
  for (const row of rows) {
    const entry = byConnection.get(row.connectionId) ?? {
      connectionId: row.connectionId,
      skus: [],
      count: Number(row.total),
    };
    entry.skus.push(row.sku);
    byConnection.set(row.connectionId, entry);
  }
  return [...byConnection.values()];
}
