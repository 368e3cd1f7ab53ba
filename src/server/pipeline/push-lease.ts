import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/generated/prisma/client";
import { scopeToTenant } from "@/server/tenancy/tenant-db";

/**
 * A lease on (storefront, item) held around the platform call, by push-item and push-channel-batch
 * alike: one item's pushes to one storefront never overlap, whichever function sends them, so an
 * older state read before a newer push cannot land after it. It lives on the ItemLink row, so it
 * spans functions and app instances; a run that dies holding it loses it when it expires.
 */
export const PUSH_LEASE_MS = 2 * 60_000;
/** How soon a push that found its item leased by another push looks again (not an attempt). */
export const PUSH_LEASE_WAIT_MS = 1_000;

export interface LeasedLink {
  id: string;
  itemId: string;
  externalId: string;
  channelQuantity: number | null;
}

export const newLeaseHolder = () => randomUUID();

/** Takes the leases that are free (or expired) and returns the links now held by `holder`. */
export async function takePushLeases(
  prisma: PrismaClient,
  tenantId: string,
  connectionId: string,
  itemIds: readonly string[],
  holder: string,
  now = new Date(),
): Promise<LeasedLink[]> {
  const db = scopeToTenant(prisma, tenantId);
  // Postgres re-checks the condition on a row another statement just leased, so two takers never both win.
  await db.itemLink.updateMany({
    where: {
      connectionId,
      itemId: { in: [...itemIds] },
      OR: [{ pushLease: null }, { pushLeaseUntil: { lt: now } }, { pushLease: holder }],
    },
    data: { pushLease: holder, pushLeaseUntil: new Date(now.getTime() + PUSH_LEASE_MS) },
  });
  return db.itemLink.findMany({
    where: { connectionId, itemId: { in: [...itemIds] }, pushLease: holder },
    select: { id: true, itemId: true, externalId: true, channelQuantity: true },
  });
}

export async function releasePushLeases(
  prisma: PrismaClient,
  tenantId: string,
  connectionId: string,
  holder: string,
): Promise<void> {
  await scopeToTenant(prisma, tenantId).itemLink.updateMany({
    where: { connectionId, pushLease: holder },
    data: { pushLease: null, pushLeaseUntil: null },
  });
}
