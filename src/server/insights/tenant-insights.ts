import type { PrismaClient } from "@/generated/prisma/client";
import { rejectedPerHour } from "@/server/webhooks/rejection-counts";

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

export async function webhookToStorefrontLatency(prisma: PrismaClient, tenantId: string, since: Date): Promise<LatencySummary> {
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
  const round = (value: number | null | undefined) => (value === null || value === undefined ? null : Math.round(Number(value)));
  return { samples: Number(row?.samples ?? 0), p50Ms: round(row?.p50), p95Ms: round(row?.p95) };
}

export interface HourBucket {
  hour: Date;
  accepted: number;
  rejected: number;
  failed: number;
}

/** Webhooks per hour for the last `hours` hours, oldest first, with empty hours filled in. */
export async function eventsPerHour(prisma: PrismaClient, tenantId: string, hours: number, now = new Date()): Promise<HourBucket[]> {
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
    return { hour, accepted: Number(row?.accepted ?? 0), rejected: rejected.get(hour.getTime()) ?? 0, failed: Number(row?.failed ?? 0) };
  });
}
