/**
 * tRPC setup: the context every procedure receives, and the procedure kinds routers build on.
 * Routers never import the platform Prisma client for tenant data: tenant procedures hand them
 * `ctx.db`, a client that can only see the active tenant.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { MembershipRole, PrismaClient } from "@/generated/prisma/client";
import { appendAudit, requestOrigin, type AuditEntry } from "@/server/audit/audit-log";
import { scopeToTenant } from "@/server/tenancy/tenant-db";

/** The tenant a request acts on; the dashboard sends the slug from its URL. */
export const TENANT_HEADER = "x-stockhook-tenant";

export interface SessionIdentity {
  user: { id: string };
}

/** Hands an event to the durable pipeline (Inngest in the app; a recorder in tests). */
export type SendEvent = (event: { name: string; data: Record<string, unknown>; id?: string }) => Promise<unknown>;

export interface CreateContextOptions {
  headers: Headers;
  prisma: PrismaClient;
  session: SessionIdentity | null;
  sendEvent?: SendEvent;
}

export function createTRPCContext(options: CreateContextOptions) {
  const sendEvent: SendEvent = options.sendEvent ?? (async () => Promise.reject(new Error("No event sender configured")));
  return { ...options, sendEvent, origin: requestOrigin(options.headers) };
}

export type TRPCContext = ReturnType<typeof createTRPCContext>;

/** Per-field messages the forms show inline. */
function fieldErrorsOf(error: ZodError): { fieldErrors: Record<string, string[] | undefined>; formErrors: string[] } {
  return error.flatten();
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: { ...shape.data, zodError: error.cause instanceof ZodError ? fieldErrorsOf(error.cause) : null },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure;

export const protectedProcedure = t.procedure.use(async ({ ctx, next }) => {
  const userId = ctx.session?.user.id;
  const user = userId
    ? await ctx.prisma.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true, platformRole: true } })
    : null;
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { ...ctx, user } });
});

const ROLE_RANK: Record<MembershipRole, number> = { VIEWER: 0, MEMBER: 1, ADMIN: 2, OWNER: 3 };

export function hasRole(role: MembershipRole, atLeast: MembershipRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[atLeast];
}

const NO_ACCESS = "You do not have access to this tenant";

/**
 * Resolves the active tenant from the request and the caller's membership. Unknown tenants and
 * tenants the caller doesn't belong to get the same answer, so existence doesn't leak.
 * Mutations need at least MEMBER: a VIEWER sees everything and changes nothing.
 */
export const tenantProcedure = protectedProcedure.use(async ({ ctx, type, next }) => {
  const slug = ctx.headers.get(TENANT_HEADER) ?? "";
  const membership = slug
    ? await ctx.prisma.membership.findFirst({
        where: { userId: ctx.user.id, status: "ACTIVE", tenant: { slug } },
        select: { role: true, tenant: { select: { id: true, slug: true, name: true, kind: true } } },
      })
    : null;
  if (!membership) throw new TRPCError({ code: "FORBIDDEN", message: NO_ACCESS });
  if (type === "mutation" && !hasRole(membership.role, "MEMBER")) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Viewers cannot make changes" });
  }
  const db = scopeToTenant(ctx.prisma, membership.tenant.id);
  const audit = (entry: AuditEntry) => appendAudit(db, { userId: ctx.user.id, ...ctx.origin }, entry);
  return next({ ctx: { ...ctx, tenant: membership.tenant, role: membership.role, db, audit } });
});

/** Tenant settings, members and secrets: OWNER or ADMIN of the tenant. */
export const tenantAdminProcedure = tenantProcedure.use(({ ctx, next }) => {
  if (!hasRole(ctx.role, "ADMIN")) throw new TRPCError({ code: "FORBIDDEN", message: "Only tenant owners and admins can do this" });
  return next();
});

/** Platform staff: SUPPORT or ADMIN. */
export const supportProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.platformRole === "USER") throw new TRPCError({ code: "FORBIDDEN", message: "Support staff only" });
  return next();
});
