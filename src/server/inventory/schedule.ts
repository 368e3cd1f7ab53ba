import type { PrismaClient, SyncSchedule } from "@/generated/prisma/client";

/** How often each schedule reconciles; MANUAL never runs on its own. */
export const SCHEDULE_INTERVAL_MS: Record<SyncSchedule, number | null> = {
  H1: 3_600_000,
  H3: 3 * 3_600_000,
  H6: 6 * 3_600_000,
  H12: 12 * 3_600_000,
  H24: 24 * 3_600_000,
  MANUAL: null,
};

/** A full scan at least once a day; incremental ("changed since the last run") in between. */
export const FULL_SCAN_EVERY_MS = 24 * 3_600_000;

export interface DueReconcile {
  tenantId: string;
  connectionId: string;
  mode: "full" | "incremental";
}

/** Active connections whose schedule says a reconcile (a drift check, for channels) is due now. */
export async function dueReconciles(prisma: PrismaClient, now = new Date()): Promise<DueReconcile[]> {
  const sources = await prisma.connection.findMany({
    where: { status: "ACTIVE", syncSchedule: { not: "MANUAL" }, provider: { not: "STANDARD_WEBHOOKS" } },
    select: { id: true, tenantId: true, syncSchedule: true, lastSyncAt: true, lastFullSyncAt: true },
  });
  return sources.flatMap((connection) => {
    const interval = SCHEDULE_INTERVAL_MS[connection.syncSchedule]!;
    if (connection.lastSyncAt && now.getTime() - connection.lastSyncAt.getTime() < interval) return [];
    const full =
      !connection.lastFullSyncAt || now.getTime() - connection.lastFullSyncAt.getTime() >= FULL_SCAN_EVERY_MS;
    return [
      {
        tenantId: connection.tenantId,
        connectionId: connection.id,
        mode: full ? ("full" as const) : ("incremental" as const),
      },
    ];
  });
}
