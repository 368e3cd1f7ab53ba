import type { Prisma } from "@/generated/prisma/client";
import { clientAddressOf } from "@/server/network/source-address";
import type { TenantDb } from "@/server/tenancy/tenant-db";

/**
 * The audit trail is append-only: this module is the only writer, and it only creates rows.
 * There is deliberately no update or delete path.
 */
export interface AuditActor {
  /** Null for changes made from the command line (npm run admin:create). */
  userId: string | null;
  impersonatorId?: string | null;
  /** The support session the change was made in, so the tenant's access log can list it. */
  impersonationSessionId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEntry {
  action: string;
  target?: string;
  summary?: Prisma.InputJsonValue;
}

export function requestOrigin(headers: Headers): Pick<AuditActor, "ip" | "userAgent"> {
  return { ip: clientAddressOf(headers), userAgent: headers.get("user-agent")?.slice(0, 300) ?? null };
}

function rowOf(tenantId: string | null, actor: AuditActor, entry: AuditEntry) {
  return {
    tenantId,
    actorId: actor.userId,
    impersonatorId: actor.impersonatorId ?? null,
    impersonationSessionId: actor.impersonationSessionId ?? null,
    action: entry.action,
    target: entry.target ?? null,
    summary: entry.summary,
    ip: actor.ip ?? null,
    userAgent: actor.userAgent ?? null,
  };
}

export function appendAudit(db: Pick<TenantDb, "auditLog" | "tenantId">, actor: AuditActor, entry: AuditEntry) {
  return db.auditLog.create({ data: rowOf(db.tenantId, actor, entry) });
}

/** Any client with the audit table: the platform client or a transaction. */
type AuditWriter = { auditLog: { create: (args: { data: ReturnType<typeof rowOf> }) => Promise<unknown> } };

/** For code outside a tenant request (sign-up, invitations, support sessions), naming the tenant itself. */
export function appendTenantAudit(client: AuditWriter, tenantId: string, actor: AuditActor, entry: AuditEntry) {
  return client.auditLog.create({ data: rowOf(tenantId, actor, entry) });
}

/** Changes that belong to no tenant (platform roles); only platform admins see them. */
export function appendPlatformAudit(client: AuditWriter, actor: AuditActor, entry: AuditEntry) {
  return client.auditLog.create({ data: rowOf(null, actor, entry) });
}
