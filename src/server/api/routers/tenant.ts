import { z } from "zod";
import { createTRPCRouter, protectedProcedure, tenantAdminProcedure, tenantProcedure } from "@/server/api/trpc";
import { createTenantForUser } from "@/server/tenancy/tenants";

const tenantKind = z.enum(["GALLERY", "STORE", "ERP"]);

export const tenantRouter = createTRPCRouter({
  /** Every tenant the signed-in user belongs to, for the tenant switcher. */
  mine: protectedProcedure.query(({ ctx }) =>
    ctx.prisma.membership
      .findMany({
        where: { userId: ctx.user.id, status: "ACTIVE" },
        select: { role: true, tenant: { select: { slug: true, name: true, kind: true } } },
        orderBy: { createdAt: "asc" },
      })
      .then((rows) => rows.map((row) => ({ ...row.tenant, role: row.role }))),
  ),

  create: protectedProcedure
    .input(z.object({ name: z.string().trim().min(2).max(80), kind: tenantKind }))
    .mutation(async ({ ctx, input }) => {
      const tenant = await createTenantForUser(ctx.prisma, ctx.user.id, input);
      return { slug: tenant.slug };
    }),

  current: tenantProcedure.query(async ({ ctx }) => {
    const tenant = await ctx.db.tenant.findFirstOrThrow({
      select: { id: true, slug: true, name: true, kind: true, safetyBuffer: true, retentionDays: true, createdAt: true },
    });
    return { ...tenant, role: ctx.role };
  }),

  update: tenantAdminProcedure
    .input(
      z.object({
        name: z.string().trim().min(2).max(80).optional(),
        kind: tenantKind.optional(),
        safetyBuffer: z.number().int().min(0).max(10_000).optional(),
        retentionDays: z.number().int().min(1).max(365).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const before = await ctx.db.tenant.findFirstOrThrow({ select: { name: true, kind: true, safetyBuffer: true, retentionDays: true } });
      const after = await ctx.db.tenant.update({ where: { id: ctx.tenant.id }, data: input, select: { name: true, kind: true, safetyBuffer: true, retentionDays: true } });
      await ctx.audit({ action: "tenant.updated", target: `tenant:${ctx.tenant.id}`, summary: { before, after } });
      return after;
    }),
});
