import type { SyncSchedule } from "@/generated/prisma/client";
import { hasApiConnector } from "@/server/connectors/tenant-connector";
import { DomainError, findOrThrow } from "@/server/errors";
import { forgetWebhookConnection } from "@/server/inbound/route-handler";
import type { TenantDb } from "@/server/tenancy/tenant-db";

export const CONNECTION_NOT_FOUND = "Connection not found";

export interface ConnectionSettings {
  id: string;
  name?: string;
  syncSchedule?: SyncSchedule;
  webhooksEnabled?: boolean;
  paused?: boolean;
}

/**
 * Name, schedule, webhooks on/off, paused. A platform without an API has nothing to reconcile
 * against, so its schedule stays manual. Returns the fields before and after, for the audit trail.
 */
export async function updateConnectionSettings(db: TenantDb, input: ConnectionSettings) {
  const before = await findOrThrow(
    db.connection.findFirst({
      where: { id: input.id },
      select: { name: true, baseUrl: true, syncSchedule: true, webhooksEnabled: true, status: true, provider: true },
    }),
    CONNECTION_NOT_FOUND,
  );
  if (input.syncSchedule && input.syncSchedule !== "MANUAL" && !hasApiConnector(before.provider)) {
    throw new DomainError("INVALID", "This platform has no API to reconcile against; its schedule stays manual");
  }
  const status = input.paused === undefined ? undefined : input.paused ? "PAUSED" : "ACTIVE";
  const after = await db.connection.update({
    where: { id: input.id },
    data: { name: input.name, syncSchedule: input.syncSchedule, webhooksEnabled: input.webhooksEnabled, status },
    select: { name: true, baseUrl: true, syncSchedule: true, webhooksEnabled: true, status: true },
  });
  // The webhook route caches a connection's settings; the next delivery reads the new ones.
  forgetWebhookConnection(input.id);
  const { provider: _provider, ...comparable } = before;
  return { before: comparable, after };
}
