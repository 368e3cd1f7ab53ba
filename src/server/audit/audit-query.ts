import type { Prisma, PrismaClient } from "@/generated/prisma/client";
import type { TenantDb } from "@/server/tenancy/tenant-db";

/** Reading the audit trail: newest first, 50 rows a page, filterable by action, actor and tenant. */
export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  action?: string;
  actorId?: string;
  tenantId?: string;
  /** The id of the last row of the previous page. */
  cursor?: string;
}

const auditRow = {
  id: true,
  action: true,
  target: true,
  summary: true,
  ip: true,
  userAgent: true,
  createdAt: true,
  impersonatorId: true,
  impersonationSessionId: true,
  actor: { select: { id: true, name: true, email: true } },
} as const;

type AuditReader = Pick<PrismaClient, "auditLog"> | Pick<TenantDb, "auditLog">;

export async function listAudit(client: AuditReader, filter: AuditFilter, options: { withTenant?: boolean } = {}) {
  const where: Prisma.AuditLogWhereInput = {
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.actorId ? { actorId: filter.actorId } : {}),
    ...(filter.tenantId ? { tenantId: filter.tenantId } : {}),
  };
  const rows = await (client.auditLog as PrismaClient["auditLog"]).findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: AUDIT_PAGE_SIZE + 1,
    ...(filter.cursor ? { cursor: { id: filter.cursor }, skip: 1 } : {}),
    select: {
      ...auditRow,
      ...(options.withTenant ? { tenant: { select: { id: true, slug: true, name: true } } } : {}),
    },
  });
  const page = rows.slice(0, AUDIT_PAGE_SIZE);
  return { rows: page, nextCursor: rows.length > AUDIT_PAGE_SIZE ? (page.at(-1)?.id ?? null) : null };
}

/** The actions and actors that occur in a trail, for the filter menus. */
export async function auditFacets(client: AuditReader) {
  const auditLog = client.auditLog as PrismaClient["auditLog"];
  const [actions, actors] = await Promise.all([
    auditLog.groupBy({ by: ["action"], orderBy: { action: "asc" } }),
    auditLog.findMany({
      where: { actorId: { not: null } },
      distinct: ["actorId"],
      select: { actor: { select: { id: true, name: true, email: true } } },
    }),
  ]);
  return {
    actions: actions.map((row) => row.action),
    actors: actors.flatMap((row) => (row.actor ? [row.actor] : [])).sort((a, b) => a.email.localeCompare(b.email)),
  };
}

/**
 * Every support session of one tenant with what was done in it: who, when, why, how long (until
 * it was ended, or until it expired), whether write access was granted, and its audit rows.
 */
export async function accessLog(db: Pick<TenantDb, "impersonationSession" | "auditLog">, now = new Date()) {
  const sessions = await db.impersonationSession.findMany({
    orderBy: { startedAt: "desc" },
    take: 100,
    select: {
      id: true,
      reason: true,
      startedAt: true,
      expiresAt: true,
      endedAt: true,
      writeAccessGrantedAt: true,
      staffUser: { select: { name: true, email: true } },
      writeAccessGrantedBy: { select: { name: true, email: true } },
    },
  });
  const actions = await db.auditLog.findMany({
    where: { impersonationSessionId: { in: sessions.map((session) => session.id) } },
    orderBy: { createdAt: "asc" },
    select: { id: true, impersonationSessionId: true, action: true, target: true, createdAt: true },
  });
  return sessions.map((session) => {
    const finishedAt = session.endedAt ?? (session.expiresAt <= now ? session.expiresAt : null);
    return {
      ...session,
      state: session.endedAt ? ("ENDED" as const) : finishedAt ? ("EXPIRED" as const) : ("ACTIVE" as const),
      minutes: Math.max(1, Math.round(((finishedAt ?? now).getTime() - session.startedAt.getTime()) / 60_000)),
      actions: actions.filter((row) => row.impersonationSessionId === session.id),
    };
  });
}
