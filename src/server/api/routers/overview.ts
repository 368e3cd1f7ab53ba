import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { connectionHealth } from "@/server/connections/connection-health";
import { alertsOf } from "@/server/insights/current-alerts";
import { z } from "zod";
import { eventsPerBucket, webhookToStorefrontLatency } from "@/server/insights/tenant-insights";
import { ACTIVITY_RANGE_KEYS, rangeStart } from "@/shared/activity-ranges";
import { rejectedPerConnection } from "@/server/inbound/rejection-counts";

const DAY_MS = 24 * 60 * 60 * 1000;

export const overviewRouter = createTRPCRouter({
  /** Health (always over 24 h) and activity over the chosen range (1 h, 24 h or 7 d). */
  summary: tenantProcedure
    .input(z.object({ range: z.enum(ACTIVITY_RANGE_KEYS).default("24h") }).default({ range: "24h" }))
    .query(async ({ ctx, input }) => {
      const now = new Date();
      const since = new Date(now.getTime() - DAY_MS);
      const rangeFrom = rangeStart(input.range, now);
      const startOfDay = new Date(now);
      startOfDay.setUTCHours(0, 0, 0, 0);
      const [connections, itemsByStatus, eventsByStatus, soldToday, latency, activity, rejected] = await Promise.all([
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
          where: { receivedAt: { gte: rangeFrom }, status: { not: "REJECTED" } },
          _count: { _all: true },
        }),
        ctx.db.stockChange.count({
          where: { statusAfter: "SOLD", statusBefore: { not: "SOLD" }, createdAt: { gte: startOfDay } },
        }),
        webhookToStorefrontLatency(ctx.prisma, ctx.tenant.id, since),
        eventsPerBucket(ctx.prisma, ctx.tenant.id, input.range, now),
        rejectedPerConnection(ctx.db, rangeFrom),
      ]);
      const rejectedInRange = [...rejected.values()].reduce((sum, count) => sum + count, 0);
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
        range: input.range,
        /** The range's first instant: the Events page links filter from it. */
        rangeFrom,
        events: {
          ...Object.fromEntries(eventsByStatus.map((row) => [row.status, row._count._all])),
          ...(rejectedInRange ? { REJECTED: rejectedInRange } : {}),
        } as Partial<Record<string, number>>,
        soldToday,
        latency,
        activity,
        alerts,
      };
    }),
});
