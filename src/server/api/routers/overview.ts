import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { connectionHealth } from "@/server/connections/connection-health";
import { alertsOf } from "@/server/insights/current-alerts";
import { eventsPerHour, webhookToStorefrontLatency } from "@/server/insights/tenant-insights";
import { rejectedPerConnection } from "@/server/inbound/rejection-counts";

const DAY_MS = 24 * 60 * 60 * 1000;

export const overviewRouter = createTRPCRouter({
  summary: tenantProcedure.query(async ({ ctx }) => {
    const now = new Date();
    const since = new Date(now.getTime() - DAY_MS);
    const startOfDay = new Date(now);
    startOfDay.setUTCHours(0, 0, 0, 0);
    const [connections, itemsByStatus, eventsByStatus, soldToday, latency, hourly, rejected] = await Promise.all([
      ctx.db.connection.findMany({
        select: {
          id: true,
          name: true,
          provider: true,
          direction: true,
          status: true,
          syncSchedule: true,
          lastWebhookAt: true,
          lastSyncAt: true,
        },
        orderBy: [{ direction: "desc" }, { createdAt: "asc" }],
      }),
      ctx.db.item.groupBy({ by: ["status"], _count: { _all: true } }),
      // REJECTED rows are a sample; refused requests are counted separately (below).
      ctx.db.webhookEvent.groupBy({
        by: ["status"],
        where: { receivedAt: { gte: since }, status: { not: "REJECTED" } },
        _count: { _all: true },
      }),
      ctx.db.stockChange.count({
        where: { statusAfter: "SOLD", statusBefore: { not: "SOLD" }, createdAt: { gte: startOfDay } },
      }),
      webhookToStorefrontLatency(ctx.prisma, ctx.tenant.id, since),
      eventsPerHour(ctx.prisma, ctx.tenant.id, 24, now),
      rejectedPerConnection(ctx.db, since),
    ]);
    const rejected24h = [...rejected.values()].reduce((sum, count) => sum + count, 0);
    const health = await connectionHealth(
      ctx.db,
      connections.map((c) => c.id),
      now,
    );
    const withHealth = connections.map((connection) => ({ ...connection, health: health.get(connection.id)! }));
    const alerts = await alertsOf(ctx.db, ctx.prisma, connections, health);
    return {
      connections: withHealth,
      items: Object.fromEntries(itemsByStatus.map((row) => [row.status, row._count._all])) as Partial<
        Record<string, number>
      >,
      events24h: {
        ...Object.fromEntries(eventsByStatus.map((row) => [row.status, row._count._all])),
        ...(rejected24h ? { REJECTED: rejected24h } : {}),
      } as Partial<Record<string, number>>,
      soldToday,
      latency,
      hourly,
      alerts,
    };
  }),
});
