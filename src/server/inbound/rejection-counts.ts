import type { PrismaClient } from "@/generated/prisma/client";
import type { TenantDb } from "@/server/tenancy/tenant-db";

/**
 * Readers of the refused-request counters (WebhookRejection: one row per connection, answer,
 * verdict and minute). The REJECTED rows in the event log are only a sample of the latest ones,
 * so every count of refused requests comes from here, never from counting those rows.
 */
const MINUTE_MS = 60_000;
/** How far back the "different secret" signal looks for failures. */
const MISMATCH_LOOKBACK_MS = 7 * 24 * 60 * MINUTE_MS;

/** The first counter minute that lies inside a window starting at `since`. */
function firstMinute(since: Date): Date {
  return new Date(Math.ceil(since.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** Refused requests per connection since `since`. */
export async function rejectedPerConnection(
  db: TenantDb,
  since: Date,
  connectionIds?: string[],
): Promise<Map<string, number>> {
  const rows = await db.webhookRejection.groupBy({
    by: ["connectionId"],
    where: { minute: { gte: firstMinute(since) }, ...(connectionIds ? { connectionId: { in: connectionIds } } : {}) },
    _sum: { count: true },
  });
  return new Map(rows.map((row) => [row.connectionId, row._sum.count ?? 0]));
}

/** Refused requests per tenant since `since` (the support console, across tenants). */
export async function rejectedPerTenant(
  prisma: PrismaClient,
  tenantIds: string[],
  since: Date,
): Promise<Map<string, number>> {
  const rows = await prisma.webhookRejection.groupBy({
    by: ["tenantId"],
    where: { tenantId: { in: tenantIds }, minute: { gte: firstMinute(since) } },
    _sum: { count: true },
  });
  return new Map(rows.map((row) => [row.tenantId, row._sum.count ?? 0]));
}

/**
 * The "platform is signing with a different secret" signal: signature failures sent from an
 * address that delivered a valid webhook for the connection before (its known addresses), since
 * the connection's last valid delivery. A forger's failures come from elsewhere and are not
 * counted, and any valid delivery ends the streak. Counted per minute, so failures in the same
 * minute as the last valid delivery count too.
 */
export async function knownSourceSignatureFailures(
  db: TenantDb,
  connectionIds: string[],
  now = new Date(),
): Promise<Map<string, number>> {
  const entries = await Promise.all(
    connectionIds.map(async (connectionId) => {
      const lastValid = await db.webhookEvent.findFirst({
        where: { connectionId, signatureVerdict: "VALID" },
        orderBy: { receivedAt: "desc" },
        select: { receivedAt: true },
      });
      const since = new Date(Math.max(now.getTime() - MISMATCH_LOOKBACK_MS, lastValid?.receivedAt.getTime() ?? 0));
      const failures = await db.webhookRejection.aggregate({
        where: {
          connectionId,
          responseStatus: 401,
          fromKnownSource: true,
          minute: { gte: new Date(Math.floor(since.getTime() / MINUTE_MS) * MINUTE_MS) },
          lastAt: { gt: since },
        },
        _sum: { count: true },
      });
      return [connectionId, failures._sum.count ?? 0] as const;
    }),
  );
  return new Map(entries);
}

/** Refused requests per bucket of `bucketSeconds` (aligned to the epoch) for a tenant, keyed by the bucket's start (ms). */
export async function rejectedPerBucket(
  prisma: PrismaClient,
  tenantId: string,
  start: Date,
  bucketSeconds: number,
): Promise<Map<number, number>> {
  const rows = await prisma.$queryRaw<{ bucket: bigint; rejected: bigint }[]>`
    SELECT FLOOR(EXTRACT(EPOCH FROM "minute") / ${bucketSeconds}::int)::bigint AS bucket, SUM("count") AS rejected
    FROM "WebhookRejection"
    WHERE "tenantId" = ${tenantId} AND "minute" >= ${start}
    GROUP BY 1`;
  return new Map(rows.map((row) => [Number(row.bucket) * bucketSeconds * 1000, Number(row.rejected)]));
}
