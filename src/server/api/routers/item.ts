import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { findOrThrow } from "@/server/errors";
import { ItemStatus } from "@/generated/prisma/enums";

const PAGE_SIZE = 50;

export const itemRouter = createTRPCRouter({
  list: tenantProcedure
    .input(
      z.object({
        cursor: z.string().min(1).nullish(),
        search: z.string().trim().max(100).optional(),
        status: z.enum(ItemStatus).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.item.findMany({
        where: {
          status: input.status,
          ...(input.search
            ? {
                OR: [
                  { sku: { contains: input.search, mode: "insensitive" } },
                  { title: { contains: input.search, mode: "insensitive" } },
                ],
              }
            : {}),
        },
        orderBy: [{ sku: "asc" }, { id: "asc" }],
        take: PAGE_SIZE + 1,
        ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
        select: {
          id: true,
          sku: true,
          title: true,
          quantity: true,
          status: true,
          oneOfAKind: true,
          version: true,
          updatedAt: true,
        },
      });
      const hasMore = rows.length > PAGE_SIZE;
      const items = hasMore ? rows.slice(0, PAGE_SIZE) : rows;
      return { items, nextCursor: hasMore ? items.at(-1)!.id : null };
    }),

  byId: tenantProcedure.input(z.object({ id: z.string().min(1) })).query(async ({ ctx, input }) => {
    const item = await findOrThrow(
      ctx.db.item.findFirst({
        where: { id: input.id },
        include: {
          links: { select: { externalId: true, connection: { select: { id: true, name: true, provider: true } } } },
          stockChanges: { orderBy: { createdAt: "desc" }, take: 50 },
        },
      }),
      "Item not found",
    );
    return item;
  }),
});
