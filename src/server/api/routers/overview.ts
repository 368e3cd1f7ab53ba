import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";

const DAY_MS = 24 * 60 * 60 * 1000;

export const overviewRouter = createTRPCRouter({
  summary: tenantProcedure.query(async ({ ctx }) => {
    const since = new Date(Date.now() - DAY_MS);
    const startOfDay = new Date();
    startOfDay.setHours(0, 0, 0, 0);
    const [connections, itemsByStatus, eventsByStatus, soldToday] = await Promise.all([
      ctx.db.connection.findMany({ select: { id: true, name: true, provider: true, direction: true, status: true, lastWebhookAt: true, lastSyncAt: true } }),
      ctx.db.item.groupBy({ by: ["status"], _count: { _all: true } }),
      ctx.db.webhookEvent.groupBy({ by: ["status"], where: { receivedAt: { gte: since } }, _count: { _all: true } }),
      ctx.db.stockChange.count({ where: { statusAfter: "SOLD", statusBefore: { not: "SOLD" }, createdAt: { gte: startOfDay } } }),
    ]);
    return {
      connections,
      items: Object.fromEntries(itemsByStatus.map((row) => [row.status, row._count._all])),
      events24h: Object.fromEntries(eventsByStatus.map((row) => [row.status, row._count._all])),
      soldToday,
    };
  }),
});
