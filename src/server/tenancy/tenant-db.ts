import type { PrismaClient } from "@/generated/prisma/client";

/**
 * A Prisma client that can only see one tenant. Every read, update and delete gets the tenant
 * filter added; every create gets the tenant id checked. Routers receive this instead of the
 * platform client, so a query that forgets `tenantId` is impossible, not merely unlikely.
 */
export const TENANT_OWNED_MODELS = [
  "Membership",
  "Connection",
  "Secret",
  "Item",
  "ItemLink",
  "StockLevel",
  "WebhookEvent",
  "SyncRun",
  "StockChange",
  "ChannelPush",
  "AuditLog",
  "PlatformSubscription",
  "ImpersonationSession",
  "WebhookEndpoint",
  "WebhookEndpointSecret",
  "OutboundEvent",
  "OutboundDelivery",
  "OutboundAttempt",
  "WebhookRejection",
  "WebhookSourceAddress",
  "PipelineAttempt",
  "NotificationSetting",
  "AlertIncident",
] as const;

const tenantOwned = new Set<string>(TENANT_OWNED_MODELS);

export class TenantScopeViolation extends Error {
  constructor(message: string) {
    super(`Tenant scope violation: ${message}`);
    this.name = "TenantScopeViolation";
  }
}

type Args = Record<string, unknown>;

function withTenantData(model: string, data: unknown, tenantId: string): Args {
  const record = (data ?? {}) as Args;
  if ("tenant" in record) throw new TenantScopeViolation(`${model} writes must not connect a tenant relation`);
  if (record.tenantId !== undefined && record.tenantId !== tenantId) {
    throw new TenantScopeViolation(`${model} data names another tenant`);
  }
  return { ...record, tenantId };
}

function refuseTenantChange(model: string, data: unknown): void {
  const record = (data ?? {}) as Args;
  if ("tenant" in record || "tenantId" in record) throw new TenantScopeViolation(`${model} rows cannot change tenant`);
}

/** Adds the tenant filter with AND, so a caller's own tenant condition can narrow but never widen. */
function withTenantFilter(where: unknown, key: string, tenantId: string): Args {
  const record = { ...((where ?? {}) as Args) };
  const existing = record.AND === undefined ? [] : Array.isArray(record.AND) ? record.AND : [record.AND];
  return { ...record, AND: [...existing, { [key]: tenantId }] };
}

export function scopeArgs(model: string, operation: string, rawArgs: unknown, tenantId: string): Args {
  const args = { ...((rawArgs ?? {}) as Args) };
  const key = model === "Tenant" ? "id" : "tenantId";
  switch (operation) {
    case "create":
      if (model === "Tenant") throw new TenantScopeViolation("tenants are created through the platform client");
      args.data = withTenantData(model, args.data, tenantId);
      return args;
    case "createMany":
    case "createManyAndReturn": {
      if (model === "Tenant") throw new TenantScopeViolation("tenants are created through the platform client");
      const rows = Array.isArray(args.data) ? args.data : [args.data];
      args.data = rows.map((row) => withTenantData(model, row, tenantId));
      return args;
    }
    case "upsert":
      args.where = withTenantFilter(args.where, key, tenantId);
      args.create = withTenantData(model, args.create, tenantId);
      refuseTenantChange(model, args.update);
      return args;
    case "update":
    case "updateMany":
    case "updateManyAndReturn":
      refuseTenantChange(model, args.data);
      args.where = withTenantFilter(args.where, key, tenantId);
      return args;
    default:
      // find*, count, aggregate, groupBy, delete, deleteMany: all filter on the tenant.
      args.where = withTenantFilter(args.where, key, tenantId);
      // A cursor row is looked up apart from `where`: another tenant's row would place the page
      // by its values (an oracle on that row's sort key). Scoped, it is simply not found.
      if (args.cursor !== undefined) args.cursor = { ...(args.cursor as Args), [key]: tenantId };
      return args;
  }
}

const APPEND_ONLY_REFUSED = new Set(["update", "updateMany", "updateManyAndReturn", "upsert", "delete", "deleteMany"]);

export function scopeToTenant(client: PrismaClient, tenantId: string) {
  const scoped = client.$extends({
    name: "tenant-scope",
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          if (model !== "Tenant" && !tenantOwned.has(model)) {
            throw new TenantScopeViolation(`${model} is platform data; it is not reachable through a tenant client`);
          }
          if (model === "AuditLog" && APPEND_ONLY_REFUSED.has(operation)) {
            throw new TenantScopeViolation("the audit trail is append-only");
          }
          return query(scopeArgs(model, operation, args, tenantId));
        },
      },
    },
  });
  return {
    tenantId,
    tenant: scoped.tenant,
    membership: scoped.membership,
    connection: scoped.connection,
    secret: scoped.secret,
    item: scoped.item,
    itemLink: scoped.itemLink,
    stockLevel: scoped.stockLevel,
    webhookEvent: scoped.webhookEvent,
    syncRun: scoped.syncRun,
    stockChange: scoped.stockChange,
    channelPush: scoped.channelPush,
    auditLog: scoped.auditLog,
    platformSubscription: scoped.platformSubscription,
    impersonationSession: scoped.impersonationSession,
    webhookEndpoint: scoped.webhookEndpoint,
    webhookEndpointSecret: scoped.webhookEndpointSecret,
    outboundEvent: scoped.outboundEvent,
    outboundDelivery: scoped.outboundDelivery,
    outboundAttempt: scoped.outboundAttempt,
    webhookRejection: scoped.webhookRejection,
    webhookSourceAddress: scoped.webhookSourceAddress,
    pipelineAttempt: scoped.pipelineAttempt,
    notificationSetting: scoped.notificationSetting,
    alertIncident: scoped.alertIncident,
    $transaction: scoped.$transaction.bind(scoped),
  };
}

export type TenantDb = ReturnType<typeof scopeToTenant>;
