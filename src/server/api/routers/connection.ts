import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";

const connectionFields = {
  id: true,
  provider: true,
  direction: true,
  name: true,
  baseUrl: true,
  status: true,
  syncSchedule: true,
  webhooksEnabled: true,
  lastWebhookAt: true,
  lastSyncAt: true,
  createdAt: true,
} as const;

export const connectionRouter = createTRPCRouter({
  list: tenantProcedure.query(({ ctx }) =>
    ctx.db.connection.findMany({
      select: { ...connectionFields, _count: { select: { itemLinks: true } } },
      orderBy: [{ direction: "desc" }, { createdAt: "asc" }],
    }),
  ),

  byId: tenantProcedure.input(z.object({ id: z.string().min(1) })).query(async ({ ctx, input }) => {
    const connection = await ctx.db.connection.findFirst({ where: { id: input.id }, select: connectionFields });
    if (!connection) throw new TRPCError({ code: "NOT_FOUND", message: "Connection not found" });
    return connection;
  }),

  /** Starts a full reconcile (a drift check, for a channel) now; refused while one is running. */
  resync: tenantProcedure.input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    const connection = await ctx.db.connection.findFirst({ where: { id: input.id }, select: { id: true, name: true } });
    if (!connection) throw new TRPCError({ code: "NOT_FOUND", message: "Connection not found" });
    const running = await ctx.db.syncRun.findFirst({ where: { connectionId: connection.id, status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true } });
    if (running) throw new TRPCError({ code: "CONFLICT", message: "A reconcile of this connection is already running" });
    await ctx.sendEvent({ name: "stock/reconcile.requested", data: { tenantId: ctx.tenant.id, connectionId: connection.id, mode: "full", trigger: "MANUAL" } });
    await ctx.audit({ action: "connection.resync", target: `connection:${connection.id}`, summary: { name: connection.name } });
    return { requested: true };
  }),

  syncRuns: tenantProcedure
    .input(z.object({ connectionId: z.string().min(1).optional(), limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ ctx, input }) =>
      ctx.db.syncRun.findMany({
        where: { connectionId: input.connectionId },
        orderBy: { startedAt: "desc" },
        take: input.limit,
        select: { id: true, connectionId: true, trigger: true, mode: true, status: true, pages: true, itemsScanned: true, itemsChanged: true, itemsCreated: true, itemsVanished: true, errorCount: true, lastError: true, startedAt: true, finishedAt: true },
      }),
    ),
});
