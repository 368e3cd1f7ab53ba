import type { PrismaClient } from "@/generated/prisma/client";

/**
 * Outbound events (and with them their deliveries and attempts) follow the tenant's log
 * retention, like inbound webhook events. An event whose delivery is still being retried is kept.
 */
const BATCH = 5_000;

export async function deleteExpiredOutboundEvents(
  prisma: PrismaClient,
  now = new Date(),
): Promise<{ deleted: number }> {
  const tenants = await prisma.tenant.findMany({ select: { id: true, retentionDays: true } });
  let deleted = 0;
  for (const tenant of tenants) {
    const cutoff = new Date(now.getTime() - tenant.retentionDays * 86_400_000);
    for (;;) {
      const expired = await prisma.outboundEvent.findMany({
        where: { tenantId: tenant.id, createdAt: { lt: cutoff }, deliveries: { none: { state: "PENDING" } } },
        select: { id: true },
        take: BATCH,
      });
      if (expired.length === 0) break;
      const { count } = await prisma.outboundEvent.deleteMany({ where: { id: { in: expired.map((e) => e.id) } } });
      deleted += count;
    }
  }
  return { deleted };
}
