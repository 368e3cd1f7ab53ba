import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";

const PAGE_SIZE = 50;
const webhookStatus = z.enum(["RECEIVED", "QUEUED", "PROCESSING", "APPLIED", "SKIPPED", "DUPLICATE", "STALE", "FAILED", "REJECTED"]);

export const eventRouter = createTRPCRouter({
  list: tenantProcedure
    .input(z.object({ cursor: z.string().min(1).nullish(), status: webhookStatus.optional(), connectionId: z.string().optional() }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.webhookEvent.findMany({
        where: { status: input.status, connectionId: input.connectionId },
        orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
        take: PAGE_SIZE + 1,
        ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
        select: {
          id: true,
          receivedAt: true,
          provider: true,
          topic: true,
          status: true,
          signatureVerdict: true,
          externalIds: true,
          action: true,
          error: true,
          connection: { select: { id: true, name: true } },
        },
      });
      const hasMore = rows.length > PAGE_SIZE;
      const events = hasMore ? rows.slice(0, PAGE_SIZE) : rows;
      return { events, nextCursor: hasMore ? events.at(-1)!.id : null };
    }),

  byId: tenantProcedure.input(z.object({ id: z.string().min(1) })).query(async ({ ctx, input }) => {
    const event = await ctx.db.webhookEvent.findFirst({ where: { id: input.id }, include: { connection: { select: { id: true, name: true } } } });
    if (!event) throw new TRPCError({ code: "NOT_FOUND", message: "Event not found" });
    return event;
  }),
});
