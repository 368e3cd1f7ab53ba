import type { PrismaClient } from "@/generated/prisma/client";

/**
 * Rows per push-channel-batch event of a reconcile: a run's attempt locks the leases of this many
 * items and reads their state at once, and the event stays small (ids only, about 30 KB).
 */
export const RECONCILE_PUSHES_PER_RUN = 1_000;

/** One storefront's pending pushes of a reconcile, in chunks of RECONCILE_PUSHES_PER_RUN. */
export interface StorefrontPushes {
  connectionId: string;
  pushIds: string[];
}

/**
 * A reconcile's pushes as rows, one per (item, linked active storefront), written in one
 * statement, then every row of the run still pending, per storefront: the input of one
 * `push-channel-batch` run per storefront and chunk. Running it again (a retried step) writes
 * no second row for a pair and returns the same rows.
 */
export async function writeReconcilePushes(
  prisma: PrismaClient,
  tenantId: string,
  syncRunId: string,
  targets: readonly { itemId: string; connectionId: string }[],
): Promise<StorefrontPushes[]> {
  if (targets.length) {
    const pairs = JSON.stringify(targets.map(({ itemId, connectionId }) => ({ itemId, connectionId })));
    await prisma.$executeRaw`
      INSERT INTO "ChannelPush" (id, "tenantId", "connectionId", "itemId", "syncRunId", quantity, status, "createdAt")
      SELECT DISTINCT ON (l."connectionId", l."itemId") gen_random_uuid()::text, ${tenantId}, l."connectionId",
             l."itemId", ${syncRunId}, i.quantity, i.status, now()
      FROM jsonb_to_recordset(${pairs}::jsonb) AS t("itemId" text, "connectionId" text)
      JOIN "ItemLink" l ON l."tenantId" = ${tenantId} AND l."itemId" = t."itemId" AND l."connectionId" = t."connectionId"
      JOIN "Connection" c ON c.id = l."connectionId" AND c.direction = 'CHANNEL' AND c.status = 'ACTIVE'
      JOIN "Item" i ON i.id = l."itemId"
      WHERE NOT EXISTS (SELECT 1 FROM "ChannelPush" p
                        WHERE p."syncRunId" = ${syncRunId} AND p."connectionId" = l."connectionId" AND p."itemId" = l."itemId")`;
  }
  const rows = await prisma.channelPush.findMany({
    where: { tenantId, syncRunId, state: "PENDING" },
    orderBy: [{ connectionId: "asc" }, { itemId: "asc" }],
    select: { id: true, connectionId: true },
  });
  return perStorefront(rows, RECONCILE_PUSHES_PER_RUN);
}

/** Push rows ordered by storefront, cut into chunks of one storefront's ids, at most `perChunk` each. */
export function perStorefront(rows: readonly { id: string; connectionId: string }[], perChunk: number) {
  const chunks: StorefrontPushes[] = [];
  for (const row of rows) {
    const last = chunks.at(-1);
    if (last?.connectionId === row.connectionId && last.pushIds.length < perChunk) last.pushIds.push(row.id);
    else chunks.push({ connectionId: row.connectionId, pushIds: [row.id] });
  }
  return chunks;
}
