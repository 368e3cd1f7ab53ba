import type { PrismaClient } from "@/generated/prisma/client";
import { appendTenantAudit, type AuditActor, type AuditEntry } from "@/server/audit/audit-log";
import { DomainError } from "@/server/errors";

/**
 * Support impersonation: a staff member views one tenant's dashboard as its owner would, for a
 * limited time, with a written reason, read-only unless a platform ADMIN grants write access.
 *
 * The browser carries only the session's id (an httpOnly cookie). Every request looks the row up
 * again and accepts it only while it belongs to the caller, has not ended or expired, and the
 * caller is still staff — so ending or expiring takes effect on the next request, and an edited
 * or copied cookie names nothing the caller may use.
 */
export const IMPERSONATION_COOKIE = "stockhook-impersonation";
export const DEFAULT_IMPERSONATION_MINUTES = 30;
export const MAX_IMPERSONATION_MINUTES = 120;
export const MIN_REASON_LENGTH = 10;

/**
 * Mutations a support session may make once an ADMIN has granted it write access. Everything
 * else — members, secrets (which would show plaintext), new connections, deleting the workspace,
 * and any procedure added later — stays refused: deny by default.
 */
export const WRITABLE_WITH_GRANT = new Set([
  "tenant.update",
  "connection.update",
  "connection.test",
  "connection.resync",
  "event.replay",
  "event.replayFailed",
]);

export interface ActiveImpersonation {
  id: string;
  staffUserId: string;
  reason: string;
  startedAt: Date;
  expiresAt: Date;
  writeAccess: boolean;
  tenant: { id: string; slug: string; name: string; kind: "GALLERY" | "STORE" | "ERP" };
}

export class ImpersonationError extends DomainError {
  constructor(message: string, kind: "INVALID" | "FORBIDDEN" | "NOT_FOUND") {
    super(kind, message);
    this.name = "ImpersonationError";
  }
}

/** The session id from a Cookie header, or null. */
export function impersonationIdFromHeaders(headers: Headers): string | null {
  for (const part of (headers.get("cookie") ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === IMPERSONATION_COOKIE) {
      const id = decodeURIComponent(value.join("="));
      return /^[a-z0-9]{1,64}$/i.test(id) ? id : null;
    }
  }
  return null;
}

/** The Set-Cookie value that carries (or, with null, clears) the session id. */
export function impersonationCookie(
  session: { id: string; expiresAt: Date } | null,
  options: { secure: boolean; now?: Date },
): string {
  const attributes = ["Path=/", "HttpOnly", "SameSite=Lax", ...(options.secure ? ["Secure"] : [])];
  if (!session) return [`${IMPERSONATION_COOKIE}=`, "Max-Age=0", ...attributes].join("; ");
  const seconds = Math.max(0, Math.ceil((session.expiresAt.getTime() - (options.now ?? new Date()).getTime()) / 1000));
  return [`${IMPERSONATION_COOKIE}=${session.id}`, `Max-Age=${seconds}`, ...attributes].join("; ");
}

/** The caller's session with this id if it is still usable, else null. Runs on every request. */
export async function findActiveImpersonation(
  prisma: PrismaClient,
  sessionId: string,
  staffUserId: string,
  now = new Date(),
): Promise<ActiveImpersonation | null> {
  const row = await prisma.impersonationSession.findFirst({
    where: {
      id: sessionId,
      staffUserId,
      endedAt: null,
      expiresAt: { gt: now },
      staffUser: { platformRole: { in: ["SUPPORT", "ADMIN"] } },
    },
    select: {
      id: true,
      staffUserId: true,
      reason: true,
      startedAt: true,
      expiresAt: true,
      writeAccessGrantedAt: true,
      tenant: { select: { id: true, slug: true, name: true, kind: true } },
    },
  });
  if (!row) return null;
  const { writeAccessGrantedAt, ...session } = row;
  return { ...session, writeAccess: writeAccessGrantedAt !== null };
}

function auditAs(prisma: PrismaClient, tenantId: string, actor: AuditActor) {
  return (entry: AuditEntry) => appendTenantAudit(prisma, tenantId, actor, entry);
}

export interface StartImpersonation {
  staffUserId: string;
  tenantId: string;
  reason: string;
  minutes?: number;
  origin: Pick<AuditActor, "ip" | "userAgent">;
  now?: Date;
}

export async function startImpersonation(prisma: PrismaClient, input: StartImpersonation) {
  const reason = input.reason.trim();
  if (reason.length < MIN_REASON_LENGTH)
    throw new ImpersonationError(
      `Write a reason of at least ${MIN_REASON_LENGTH} characters; the tenant will read it`,
      "INVALID",
    );
  const minutes = input.minutes ?? DEFAULT_IMPERSONATION_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_IMPERSONATION_MINUTES) {
    throw new ImpersonationError(`A support session lasts 1 to ${MAX_IMPERSONATION_MINUTES} minutes`, "INVALID");
  }
  const tenant = await prisma.tenant.findUnique({
    where: { id: input.tenantId },
    select: { id: true, slug: true, name: true },
  });
  if (!tenant) throw new ImpersonationError("Tenant not found", "NOT_FOUND");
  const startedAt = input.now ?? new Date();
  const session = await prisma.impersonationSession.create({
    data: {
      tenantId: tenant.id,
      staffUserId: input.staffUserId,
      reason,
      startedAt,
      expiresAt: new Date(startedAt.getTime() + minutes * 60_000),
    },
    select: { id: true, expiresAt: true },
  });
  await auditAs(prisma, tenant.id, {
    userId: input.staffUserId,
    impersonatorId: input.staffUserId,
    impersonationSessionId: session.id,
    ...input.origin,
  })({
    action: "support.impersonation_started",
    target: `impersonation:${session.id}`,
    summary: { reason, minutes, expiresAt: session.expiresAt.toISOString() },
  });
  return { ...session, tenant };
}

/** Ends the caller's own session (idempotent: ending an ended or expired one changes nothing). */
export async function endImpersonation(
  prisma: PrismaClient,
  sessionId: string,
  staffUserId: string,
  origin: Pick<AuditActor, "ip" | "userAgent">,
  now = new Date(),
) {
  const session = await prisma.impersonationSession.findFirst({
    where: { id: sessionId, staffUserId },
    select: { id: true, tenantId: true, endedAt: true, expiresAt: true },
  });
  if (!session || session.endedAt || session.expiresAt <= now) return { ended: false };
  const { count } = await prisma.impersonationSession.updateMany({
    where: { id: session.id, endedAt: null },
    data: { endedAt: now },
  });
  if (count === 0) return { ended: false };
  await auditAs(prisma, session.tenantId, {
    userId: staffUserId,
    impersonatorId: staffUserId,
    impersonationSessionId: session.id,
    ...origin,
  })({
    action: "support.impersonation_ended",
    target: `impersonation:${session.id}`,
  });
  return { ended: true };
}

/** A platform ADMIN lets another staff member's active session change data (see WRITABLE_WITH_GRANT); recorded and audited. */
export async function grantWriteAccess(
  prisma: PrismaClient,
  sessionId: string,
  adminUserId: string,
  origin: Pick<AuditActor, "ip" | "userAgent">,
  now = new Date(),
) {
  const session = await prisma.impersonationSession.findFirst({
    where: { id: sessionId, endedAt: null, expiresAt: { gt: now } },
    select: { id: true, tenantId: true, staffUserId: true, writeAccessGrantedAt: true },
  });
  if (!session) throw new ImpersonationError("No active support session with that id", "NOT_FOUND");
  // Four eyes: write access is another admin's decision, never one's own (with or without the cookie).
  if (session.staffUserId === adminUserId)
    throw new ImpersonationError(
      "Another platform admin must grant write access to your own support session",
      "FORBIDDEN",
    );
  if (session.writeAccessGrantedAt) return { granted: false };
  await prisma.impersonationSession.update({
    where: { id: session.id },
    data: { writeAccessGrantedById: adminUserId, writeAccessGrantedAt: now },
  });
  await auditAs(prisma, session.tenantId, {
    userId: adminUserId,
    impersonatorId: session.staffUserId,
    impersonationSessionId: session.id,
    ...origin,
  })({
    action: "support.write_access_granted",
    target: `impersonation:${session.id}`,
    summary: { staffUserId: session.staffUserId },
  });
  return { granted: true };
}

/** The one mutation a running support session may always make. */
export const END_IMPERSONATION = "support.endImpersonation";

/** Why a support session may not run this mutation, or null when it may. */
export function impersonationRefusal(
  path: string,
  session: Pick<ActiveImpersonation, "writeAccess" | "tenant">,
): string | null {
  if (path === END_IMPERSONATION) return null;
  if (path.startsWith("support.")) return `End the support session for ${session.tenant.name} first`;
  if (!WRITABLE_WITH_GRANT.has(path))
    return "Support sessions cannot do this: members, secrets, new connections and deleting the workspace are the tenant's own";
  if (!session.writeAccess) return "This support session is read-only; a platform admin can grant write access";
  return null;
}

/** Sessions still running (for the console): all of them for ADMIN, one's own for SUPPORT. */
export function listActiveImpersonations(prisma: PrismaClient, options: { staffUserId?: string; now?: Date }) {
  return prisma.impersonationSession.findMany({
    where: {
      endedAt: null,
      expiresAt: { gt: options.now ?? new Date() },
      ...(options.staffUserId ? { staffUserId: options.staffUserId } : {}),
    },
    orderBy: { startedAt: "desc" },
    select: {
      id: true,
      reason: true,
      startedAt: true,
      expiresAt: true,
      writeAccessGrantedAt: true,
      staffUser: { select: { id: true, name: true, email: true } },
      tenant: { select: { id: true, slug: true, name: true } },
    },
  });
}
