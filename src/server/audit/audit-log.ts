import type { Prisma } from "@/generated/prisma/client";
import type { TenantDb } from "@/server/tenancy/tenant-db";

/**
 * The audit trail is append-only: this module is the only writer, and it only creates rows.
 * There is deliberately no update or delete path.
 */
export interface AuditActor {
  userId: string;
  impersonatorId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEntry {
  action: string;
  target?: string;
  summary?: Prisma.InputJsonValue;
}

export function requestOrigin(headers: Headers): Pick<AuditActor, "ip" | "userAgent"> {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return { ip: forwarded || headers.get("x-real-ip") || null, userAgent: headers.get("user-agent")?.slice(0, 300) ?? null };
}

export function appendAudit(db: Pick<TenantDb, "auditLog" | "tenantId">, actor: AuditActor, entry: AuditEntry) {
  return db.auditLog.create({
    data: {
      tenantId: db.tenantId,
      actorId: actor.userId,
      impersonatorId: actor.impersonatorId ?? null,
      action: entry.action,
      target: entry.target ?? null,
      summary: entry.summary,
      ip: actor.ip ?? null,
      userAgent: actor.userAgent ?? null,
    },
  });
}
