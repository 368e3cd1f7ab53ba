import { DomainError } from "@/server/errors";
import type { TenantDb } from "@/server/tenancy/tenant-db";

type SendCancel = (event: {
  name: "stock/reconcile.cancelled";
  data: { tenantId: string; connectionId: string; syncRunId: string };
}) => Promise<unknown>;

/**
 * Cancel on a queued or running reconcile: the run is marked CANCELLED (with who pressed it) in
 * one conditional update, so a run that finished meanwhile keeps its result, then its Inngest run
 * is cancelled (the function's `cancelOn` matches the connection: one reconcile per connection
 * runs at a time). A run that already ended is refused.
 */
export async function cancelSyncRun(db: TenantDb, runId: string, userId: string, send: SendCancel, now = new Date()) {
  const run = await db.syncRun.findFirst({
    where: { id: runId },
    select: { id: true, connectionId: true, status: true, connection: { select: { name: true } } },
  });
  if (!run) throw new DomainError("NOT_FOUND", "Sync run not found");
  const { count } = await db.syncRun.updateMany({
    where: { id: run.id, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "CANCELLED", finishedAt: now, nextAttemptAt: null, cancelledById: userId },
  });
  if (count === 0) throw new DomainError("CONFLICT", "This reconcile has already finished");
  await send({
    name: "stock/reconcile.cancelled",
    data: { tenantId: db.tenantId, connectionId: run.connectionId, syncRunId: run.id },
  });
  return { id: run.id, connectionId: run.connectionId, connectionName: run.connection.name, cancelledAt: now };
}
