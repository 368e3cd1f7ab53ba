import type { PrismaClient } from "@/generated/prisma/client";
import { rejectedPerHour } from "@/server/inbound/rejection-counts";

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

export interface HourBucket {
  hour: Date;
  accepted: number;
  rejected: number;
  failed: number;
}

/** Webhooks per hour for the last `hours` hours, oldest first, with empty hours filled in. */
export async function eventsPerHour(
  prisma: PrismaClient,
  tenantId: string,
  hours: number,
  now = new Date(),
): Promise<HourBucket[]> {
  const end = new Date(now);
  end.setUTCMinutes(0, 0, 0);
  const start = new Date(end.getTime() - (hours - 1) * 3_600_000);
  // Refused requests come from their counters: the REJECTED rows are only a sample of them.
  const [rows, rejected] = await Promise.all([
    prisma.$queryRaw<{ hour: Date; accepted: bigint; failed: bigint }[]>`
      SELECT date_trunc('hour', "receivedAt") AS hour,
             COUNT(*) FILTER (WHERE status NOT IN ('REJECTED', 'FAILED')) AS accepted,
             COUNT(*) FILTER (WHERE status = 'FAILED') AS failed
      FROM "WebhookEvent"
      WHERE "tenantId" = ${tenantId} AND "receivedAt" >= ${start}
      GROUP BY 1`,
    rejectedPerHour(prisma, tenantId, start),
  ]);
  const byHour = new Map(rows.map((row) => [new Date(row.hour).getTime(), row]));
  return Array.from({ length: hours }, (_, index) => {
    const hour = new Date(start.getTime() + index * 3_600_000);
    const row = byHour.get(hour.getTime());
    return {
      hour,
      accepted: Number(row?.accepted ?? 0),
      rejected: rejected.get(hour.getTime()) ?? 0,
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
