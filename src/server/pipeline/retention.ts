import type { PrismaClient } from "@/generated/prisma/client";
import { KNOWN_SOURCE_MEMORY_MS } from "@/server/inbound/known-sources";

/**
 * Deletes each tenant's webhook events (and with them their stored payloads and the requests as
 * sent — headers with signatures, raw body bytes — which live on the same row) older than the
 * tenant's retention, 1–365 days, default 90. Batched, so a large backlog never holds one long
 * transaction.
 */
const BATCH = 5_000;

export async function deleteExpiredWebhookEvents(
  prisma: PrismaClient,
  now = new Date(),
): Promise<{ tenants: number; deleted: number }> {
  const tenants = await prisma.tenant.findMany({ select: { id: true, retentionDays: true } });
  let deleted = 0;
  for (const tenant of tenants) {
    const cutoff = new Date(now.getTime() - tenant.retentionDays * 86_400_000);
    for (;;) {
      const expired = await prisma.webhookEvent.findMany({
        where: { tenantId: tenant.id, receivedAt: { lt: cutoff } },
        select: { id: true },
        take: BATCH,
      });
      if (expired.length === 0) break;
      const { count } = await prisma.webhookEvent.deleteMany({ where: { id: { in: expired.map((e) => e.id) } } });
      deleted += count;
    }
    // The refused-request counters (one row per connection, reason and minute) follow the same
    // retention; addresses that stopped delivering no longer count as the platform's anyway.
    await prisma.webhookRejection.deleteMany({ where: { tenantId: tenant.id, minute: { lt: cutoff } } });
    await prisma.webhookSourceAddress.deleteMany({
      where: { tenantId: tenant.id, lastValidAt: { lt: new Date(now.getTime() - KNOWN_SOURCE_MEMORY_MS) } },
    });
  }
  return { tenants: tenants.length, deleted };
}
