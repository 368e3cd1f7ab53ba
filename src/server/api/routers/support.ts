import { z } from "zod";
import { createTRPCRouter, platformAdminProcedure, protectedProcedure, supportProcedure } from "@/server/api/trpc";
import { auditFacets, listAudit } from "@/server/audit/audit-query";
import { tenantDirectory } from "@/server/support/directory";
import {
  DEFAULT_IMPERSONATION_MINUTES,
  endImpersonation,
  grantWriteAccess,
  impersonationCookie,
  listActiveImpersonations,
  MAX_IMPERSONATION_MINUTES,
  MIN_REASON_LENGTH,
  startImpersonation,
} from "@/server/support/impersonation";
import { assignPlatformRole, PLATFORM_ROLES } from "@/server/support/platform-roles";

const id = z.string().min(1).max(64);

/** The support console: staff only (SUPPORT or ADMIN); roles, write grants and the full trail are ADMIN's. */
export const supportRouter = createTRPCRouter({
  tenants: supportProcedure
    .input(z.object({ search: z.string().max(100).optional() }).optional())
    .query(({ ctx, input }) => tenantDirectory(ctx.prisma, { search: input?.search })),

  /** Who the staff member is, and their running support session, if any. */
  current: supportProcedure.query(({ ctx }) => ({ user: ctx.user, impersonation: ctx.impersonation })),

  /** Running sessions: everyone's for an ADMIN (to grant write access), one's own for SUPPORT. */
  activeSessions: supportProcedure.query(({ ctx }) =>
    listActiveImpersonations(ctx.prisma, { staffUserId: ctx.user.platformRole === "ADMIN" ? undefined : ctx.user.id }),
  ),

  startImpersonation: supportProcedure
    .input(
      z.object({
        tenantId: id,
        reason: z
          .string()
          .trim()
          .min(MIN_REASON_LENGTH, `Write a reason of at least ${MIN_REASON_LENGTH} characters; the tenant will read it`)
          .max(500),
        minutes: z.number().int().min(1).max(MAX_IMPERSONATION_MINUTES).default(DEFAULT_IMPERSONATION_MINUTES),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const session = await startImpersonation(ctx.prisma, {
        staffUserId: ctx.user.id,
        tenantId: input.tenantId,
        reason: input.reason,
        minutes: input.minutes,
        origin: ctx.origin,
      });
      ctx.responseHeaders?.append("set-cookie", impersonationCookie(session, { secure: ctx.secureCookies ?? false }));
      return { id: session.id, slug: session.tenant.slug, expiresAt: session.expiresAt };
    }),

  /** Always allowed, even after a demotion: ends the caller's own session and clears the cookie. */
  endImpersonation: protectedProcedure.mutation(async ({ ctx }) => {
    const result = ctx.impersonationId
      ? await endImpersonation(ctx.prisma, ctx.impersonationId, ctx.user.id, ctx.origin)
      : { ended: false };
    ctx.responseHeaders?.append("set-cookie", impersonationCookie(null, { secure: ctx.secureCookies ?? false }));
    return result;
  }),

  grantWriteAccess: platformAdminProcedure
    .input(z.object({ sessionId: id }))
    .mutation(({ ctx, input }) => grantWriteAccess(ctx.prisma, input.sessionId, ctx.user.id, ctx.origin)),

  staff: platformAdminProcedure.query(({ ctx }) =>
    ctx.prisma.user.findMany({
      where: { platformRole: { not: "USER" } },
      orderBy: { email: "asc" },
      select: { id: true, name: true, email: true, platformRole: true },
    }),
  ),

  setPlatformRole: platformAdminProcedure
    .input(z.object({ email: z.email("Enter an email address"), role: z.enum(PLATFORM_ROLES) }))
    .mutation(({ ctx, input }) =>
      assignPlatformRole(ctx.prisma, { ...input, actor: { userId: ctx.user.id, ...ctx.origin } }),
    ),

  /** The whole platform's audit trail, tenants' and platform changes alike. */
  auditLog: platformAdminProcedure
    .input(
      z
        .object({
          cursor: id.optional(),
          action: z.string().max(100).optional(),
          actorId: id.optional(),
          tenantId: id.optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => listAudit(ctx.prisma, input ?? {}, { withTenant: true })),

  auditFacets: platformAdminProcedure.query(({ ctx }) => auditFacets(ctx.prisma)),
});
