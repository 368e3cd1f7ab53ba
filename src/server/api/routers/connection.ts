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
});
