import { z } from "zod";
import type { MembershipRole } from "@/generated/prisma/client";
import { createTRPCRouter, protectedProcedure, tenantAdminProcedure, tenantProcedure } from "@/server/api/trpc";
import { createTenantForUser, deleteTenant } from "@/server/tenancy/tenants";
import { TenantKind } from "@/generated/prisma/enums";
import { DomainError } from "@/server/errors";

const tenantKind = z.enum(TenantKind);

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
      select: {
        id: true,
        slug: true,
        name: true,
        kind: true,
        safetyBuffer: true,
        sellingLocations: true,
        retentionDays: true,
        createdAt: true,
      },
    });
    const session = ctx.impersonation;
    const impersonation = session
      ? {
          id: session.id,
          reason: session.reason,
          startedAt: session.startedAt,
          expiresAt: session.expiresAt,
          writeAccess: session.writeAccess,
        }
      : null;
    // A read-only support session renders as a viewer (every control disabled, with the reason);
    // the server refuses its mutations either way (tenantProcedure).
    const role: MembershipRole = session && !session.writeAccess ? "VIEWER" : ctx.role;
    return { ...tenant, role, impersonation };
  }),

  update: tenantAdminProcedure
    .input(
      z.object({
        name: z.string().trim().min(2).max(80).optional(),
        kind: tenantKind.optional(),
        safetyBuffer: z.number().int().min(0).max(10_000).optional(),
        retentionDays: z
          .number()
          .int()
          .min(1, "Keep logs for at least 1 day")
          .max(365, "Logs are kept for at most 365 days")
          .optional(),
        /** Location ids whose stock sells online; empty means every location sells. */
        sellingLocations: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const fields = {
        name: true,
        kind: true,
        safetyBuffer: true,
        retentionDays: true,
        sellingLocations: true,
      } as const;
      const before = await ctx.db.tenant.findFirstOrThrow({ select: fields });
      const data = {
        ...input,
        sellingLocations: input.sellingLocations ? [...new Set(input.sellingLocations)] : undefined,
      };
      const after = await ctx.db.tenant.update({ where: { id: ctx.tenant.id }, data, select: fields });
      await ctx.audit({ action: "tenant.updated", target: `tenant:${ctx.tenant.id}`, summary: { before, after } });
      return after;
    }),

  /** The danger zone: deletes the workspace and everything in it. Owners only, slug typed back. */
  remove: tenantProcedure.input(z.object({ confirmSlug: z.string() })).mutation(async ({ ctx, input }) => {
    if (ctx.role !== "OWNER") throw new DomainError("FORBIDDEN", "Only owners can delete a workspace");
    if (input.confirmSlug.trim() !== ctx.tenant.slug)
      throw new DomainError("INVALID", `Type “${ctx.tenant.slug}” to confirm`);
    // Written first: the trail outlives the tenant (its tenantId is set to null, see schema.prisma).
    await ctx.audit({
      action: "tenant.deleted",
      target: `tenant:${ctx.tenant.id}`,
      summary: { name: ctx.tenant.name, slug: ctx.tenant.slug },
    });
    await deleteTenant(ctx.prisma, ctx.tenant.id);
    return { deleted: true };
  }),
});
