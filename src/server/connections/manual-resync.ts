import type { Provider } from "@/generated/prisma/client";
import { hasApiConnector } from "@/server/connectors/tenant-connector";
import { DomainError } from "@/server/errors";
import type { TenantDb } from "@/server/tenancy/tenant-db";

type SendReconcileRequest = (event: {
  name: "stock/reconcile.requested";
  data: { tenantId: string; connectionId: string; mode: "full"; trigger: "MANUAL" };
}) => Promise<unknown>;

/** Starts a full reconcile (a drift check, for a channel) now; refused while one is queued or running. */
export async function requestManualResync(
  db: TenantDb,
  tenantId: string,
  connection: { id: string; provider: Provider },
  send: SendReconcileRequest,
) {
  if (!hasApiConnector(connection.provider))
    throw new DomainError("INVALID", "This platform has no API to reconcile against");
  const running = await db.syncRun.findFirst({
    where: { connectionId: connection.id, status: { in: ["QUEUED", "RUNNING"] } },
    select: { id: true },
  });
  if (running) throw new DomainError("CONFLICT", "A reconcile of this connection is already running");
  const requestedAt = new Date();
  await send({
    name: "stock/reconcile.requested",
    data: { tenantId, connectionId: connection.id, mode: "full", trigger: "MANUAL" },
  });
  return { requested: true, requestedAt };
}
