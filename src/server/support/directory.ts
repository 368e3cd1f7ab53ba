import type { PrismaClient } from "@/generated/prisma/client";
import { rejectedPerTenant } from "@/server/inbound/rejection-counts";

/**
 * The support console's tenant directory: tenants matching a search (name, slug or a member's
 * email), each with a health summary — connections failing now and webhooks rejected or failed
 * in the last 24 hours — so staff see where to look before impersonating.
 */
const DAY_MS = 24 * 60 * 60 * 1000;
export const DIRECTORY_LIMIT = 50;

export async function tenantDirectory(prisma: PrismaClient, options: { search?: string; now?: Date } = {}) {
  const now = options.now ?? new Date();
  const search = options.search?.trim();
  const contains = (value: string) => ({ contains: value, mode: "insensitive" as const });
  const tenants = await prisma.tenant.findMany({
    where: search
      ? {
          OR: [
            { name: contains(search) },
            { slug: contains(search) },
            { memberships: { some: { user: { email: contains(search) } } } },
          ],
        }
      : {},
    orderBy: { name: "asc" },
    take: DIRECTORY_LIMIT,
    select: {
      id: true,
      slug: true,
      name: true,
      kind: true,
      createdAt: true,
      _count: { select: { connections: true, items: true } },
    },
  });
  const tenantIds = tenants.map((tenant) => tenant.id);
  const since = new Date(now.getTime() - DAY_MS);
  const [failing, events, owners, rejected] = await Promise.all([
    prisma.connection.groupBy({
      by: ["tenantId"],
      where: {
        tenantId: { in: tenantIds },
        OR: [{ status: "ERROR" }, { circuitOpenUntil: { gt: now } }, { consecutiveFailures: { gt: 0 } }],
      },
      _count: { _all: true },
    }),
    prisma.webhookEvent.groupBy({
      by: ["tenantId", "status"],
      where: { tenantId: { in: tenantIds }, status: "FAILED", receivedAt: { gte: since } },
      _count: { _all: true },
    }),
    prisma.membership.findMany({
      where: { tenantId: { in: tenantIds }, role: "OWNER", status: "ACTIVE" },
      select: { tenantId: true, user: { select: { email: true } } },
      orderBy: { createdAt: "asc" },
    }),
    // Refused webhooks are counted, not stored one row each.
    rejectedPerTenant(prisma, tenantIds, since),
  ]);
  const eventCount = (tenantId: string, status: string) =>
    events.find((row) => row.tenantId === tenantId && row.status === status)?._count._all ?? 0;
  return tenants.map(({ _count, ...tenant }) => {
    const failingConnections = failing.find((row) => row.tenantId === tenant.id)?._count._all ?? 0;
    const rejectedWebhooks24h = rejected.get(tenant.id) ?? 0;
    const failedWebhooks24h = eventCount(tenant.id, "FAILED");
    return {
      ...tenant,
      connections: _count.connections,
      items: _count.items,
      owners: owners.filter((row) => row.tenantId === tenant.id).flatMap((row) => (row.user ? [row.user.email] : [])),
      failingConnections,
      rejectedWebhooks24h,
      failedWebhooks24h,
      healthy: failingConnections === 0 && rejectedWebhooks24h === 0 && failedWebhooks24h === 0,
    };
  });
}
