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
import { DomainError, type DomainErrorKind } from "@/server/errors";
import { logFor, requestIdOf } from "@/server/logger";
import { mailer as appMailer, type Mailer } from "@/server/mail/mailer";
import {
  findActiveImpersonation,
  impersonationIdFromHeaders,
  impersonationRefusal,
  type ActiveImpersonation,
} from "@/server/support/impersonation";
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
  /** Where a procedure may set cookies on the answer (the HTTP handler's response headers). */
  responseHeaders?: Headers;
  /** Whether cookies set on the answer need `Secure` (the request came over HTTPS). */
  secureCookies?: boolean;
  /** Where account and invitation mail goes; the app's SMTP mailer unless a test names its own receiver. */
  mailer?: Mailer;
  /** The request's id for log lines; read from X-Request-Id (or made up) when not given. */
  requestId?: string;
}

export function createTRPCContext(options: CreateContextOptions) {
  const sendEvent: SendEvent =
    options.sendEvent ?? (async () => Promise.reject(new Error("No event sender configured")));
  return {
    ...options,
    sendEvent,
    // Resolved at send time, so a request that sends no mail never needs the mail settings.
    mailer: { send: (to, content) => (options.mailer ?? appMailer()).send(to, content) } satisfies Mailer,
    origin: requestOrigin(options.headers),
    /** Lines about this request: its id and the tenant it names (docs/logging.md). */
    log: logFor({
      area: "trpc",
      requestId: options.requestId ?? requestIdOf(options.headers),
      tenantSlug: options.headers.get(TENANT_HEADER)?.slice(0, 60) || undefined,
    }),
    /** The support session the request claims; only an id, re-validated by every procedure that uses it. */
    impersonationId: impersonationIdFromHeaders(options.headers),
  };
}

export type TRPCContext = ReturnType<typeof createTRPCContext>;

/** Per-field messages the forms show inline. */
function fieldErrorsOf(error: ZodError): { fieldErrors: Record<string, string[] | undefined>; formErrors: string[] } {
  return error.flatten();
}

/** A domain error that carries field errors (e.g. InvalidSetupError's `validation`): an Error, so tRPC keeps it whole. */
function validationOf(cause: unknown) {
  const validation = (cause as { validation?: unknown } | undefined)?.validation;
  return validation instanceof ZodError ? fieldErrorsOf(validation) : null;
}

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
        zodError: error.cause instanceof ZodError ? fieldErrorsOf(error.cause) : validationOf(error.cause),
      },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

const TRPC_CODE_OF: Record<DomainErrorKind, TRPCError["code"]> = {
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  INVALID: "BAD_REQUEST",
  INVALID_SETUP: "BAD_REQUEST",
  UNSAFE_URL: "BAD_REQUEST",
  INVALID_LINK: "BAD_REQUEST",
  FORBIDDEN: "FORBIDDEN",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

/**
 * The one place a server module's DomainError becomes a tRPC answer: its message reaches the
 * client unchanged, and the error stays the cause (the formatter reads InvalidSetupError's field
 * errors from it). Any other error stays an INTERNAL_SERVER_ERROR.
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: TRPC_CODE_OF[cause.kind], message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

/** The caller's support session if it is still valid (looked up on every request), else null. */
async function activeImpersonationOf(
  prisma: PrismaClient,
  impersonationId: string | null,
  user: { id: string; platformRole: string },
): Promise<ActiveImpersonation | null> {
  if (!impersonationId || user.platformRole === "USER") return null;
  return findActiveImpersonation(prisma, impersonationId, user.id);
}

/**
 * A signed-in user. While the caller's support session runs, every mutation is refused except
 * ending it and the few tenant mutations an ADMIN may open up (`impersonationRefusal`).
 */
export const protectedProcedure = publicProcedure.use(async ({ ctx, type, path, next }) => {
  const userId = ctx.session?.user.id;
  const user = userId
    ? await ctx.prisma.user.findUnique({
        where: { id: userId },
        select: { id: true, email: true, name: true, platformRole: true },
      })
    : null;
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  const impersonation = await activeImpersonationOf(ctx.prisma, ctx.impersonationId, user);
  const refusal = type === "mutation" && impersonation ? impersonationRefusal(path, impersonation) : null;
  if (refusal) throw new TRPCError({ code: "FORBIDDEN", message: refusal });
  return next({ ctx: { ...ctx, user, impersonation } });
});

const ROLE_RANK: Record<MembershipRole, number> = { VIEWER: 0, MEMBER: 1, ADMIN: 2, OWNER: 3 };

export function hasRole(role: MembershipRole, atLeast: MembershipRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[atLeast];
}

const NO_ACCESS = "You do not have access to this tenant";

/**
 * Resolves the active tenant from the request and the caller's membership — or the caller's
 * valid support session for that tenant, which reads as OWNER and mutates only as
 * `impersonationRefusal` allows. Unknown tenants and tenants the caller doesn't belong to get the
 * same answer, so existence doesn't leak. Mutations need at least MEMBER: a VIEWER sees
 * everything and changes nothing.
 */
export const tenantProcedure = protectedProcedure.use(async ({ ctx, type, next }) => {
  const slug = ctx.headers.get(TENANT_HEADER) ?? "";
  const impersonation = ctx.impersonation && ctx.impersonation.tenant.slug === slug ? ctx.impersonation : null;
  const membership = impersonation
    ? { role: "OWNER" as MembershipRole, tenant: impersonation.tenant }
    : slug
      ? await ctx.prisma.membership.findFirst({
          where: { userId: ctx.user.id, status: "ACTIVE", tenant: { slug } },
          select: { role: true, tenant: { select: { id: true, slug: true, name: true, kind: true } } },
        })
      : null;
  if (!membership) throw new TRPCError({ code: "FORBIDDEN", message: NO_ACCESS });
  if (type === "mutation" && ctx.impersonation && !impersonation) {
    // A session for another tenant still blocks changes here: staff end it before acting as themselves.
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `End the support session for ${ctx.impersonation.tenant.name} first`,
    });
  }
  if (type === "mutation" && !hasRole(membership.role, "MEMBER")) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Viewers cannot make changes" });
  }
  const db = scopeToTenant(ctx.prisma, membership.tenant.id);
  const actor = {
    userId: ctx.user.id,
    impersonatorId: impersonation?.staffUserId ?? null,
    impersonationSessionId: impersonation?.id ?? null,
    ...ctx.origin,
  };
  const audit = (entry: AuditEntry) => appendAudit(db, actor, entry);
  const log = ctx.log.child({ tenantId: membership.tenant.id });
  return next({ ctx: { ...ctx, tenant: membership.tenant, role: membership.role, impersonation, db, audit, log } });
});

/** Tenant settings, members and secrets: OWNER or ADMIN of the tenant. */
export const tenantAdminProcedure = tenantProcedure.use(({ ctx, next }) => {
  if (!hasRole(ctx.role, "ADMIN"))
    throw new TRPCError({ code: "FORBIDDEN", message: "Only tenant owners and admins can do this" });
  return next();
});

/**
 * Platform staff: SUPPORT or ADMIN. Their mutations (starting a session, granting write access,
 * assigning platform roles) are refused while their own support session runs (protectedProcedure),
 * so a session never widens its own powers.
 */
export const supportProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.user.platformRole === "USER") throw new TRPCError({ code: "FORBIDDEN", message: "Support staff only" });
  return next();
});

/** Platform ADMIN only: assigning platform roles, granting write access, the platform-wide audit trail. */
export const platformAdminProcedure = supportProcedure.use(({ ctx, next }) => {
  if (ctx.user.platformRole !== "ADMIN") throw new TRPCError({ code: "FORBIDDEN", message: "Platform admins only" });
  return next();
});
