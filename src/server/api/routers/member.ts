import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";

export const memberRouter = createTRPCRouter({
  list: tenantProcedure.query(({ ctx }) =>
    ctx.db.membership.findMany({
      select: { id: true, role: true, status: true, invitedEmail: true, createdAt: true, user: { select: { name: true, email: true } } },
      orderBy: { createdAt: "asc" },
    }),
  ),
});
