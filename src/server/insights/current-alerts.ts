import type { PrismaClient } from "@/generated/prisma/client";
import { connectionHealth, type ConnectionHealth } from "@/server/connections/connection-health";
import {
  alertsFor,
  failedSubscriptionAlerts,
  failingReconcileAlerts,
  mostUrgentFirst,
  switchedOffEndpointAlerts,
  type Alert,
  type AlertedConnection,
} from "@/server/insights/alerts";
import { undeliveredItems } from "@/server/insights/tenant-insights";
import type { TenantDb } from "@/server/tenancy/tenant-db";

/**
 * A tenant's alerts, gathered once for the Overview and for notifications so both say the same.
 * `prisma` runs the aggregate queries Prisma's builder cannot express; they filter on db.tenantId.
 */
export type GatheredConnection = AlertedConnection & { direction: string };

export async function alertsOf(
  db: TenantDb,
  prisma: PrismaClient,
  connections: GatheredConnection[],
  health: Map<string, ConnectionHealth>,
): Promise<Alert[]> {
  const connectionIds = connections.map((c) => c.id);
  const channelIds = connections.filter((c) => c.direction === "CHANNEL").map((c) => c.id);
  const [undelivered, switchedOff, failedSubscriptions, latestRuns] = await Promise.all([
    undeliveredItems(prisma, db.tenantId, channelIds),
    db.webhookEndpoint.findMany({
      where: { enabled: false, disabledReason: { not: null } },
      select: { id: true, url: true, disabledReason: true },
    }),
    db.platformSubscription.findMany({
      where: { state: "FAILED" },
      select: { connectionId: true, topic: true, lastError: true },
      orderBy: { topic: "asc" },
    }),
    // The latest finished reconcile per connection: one failure after a success is already worth saying.
    db.syncRun.findMany({
      where: {
        connectionId: { in: connectionIds },
        status: { in: ["SUCCEEDED", "FAILED"] },
        finishedAt: { not: null },
      },
      select: { connectionId: true, status: true },
      distinct: ["connectionId"],
      orderBy: [{ connectionId: "asc" }, { finishedAt: "desc" }],
    }),
  ]);
  const undeliveredOf = new Map(undelivered.map((entry) => [entry.connectionId, entry]));
  return mostUrgentFirst([
    ...connections.flatMap((connection) =>
      alertsFor(connection, health.get(connection.id)!, undeliveredOf.get(connection.id)),
    ),
    ...switchedOffEndpointAlerts(switchedOff),
    ...failedSubscriptionAlerts(failedSubscriptions, connections),
    ...failingReconcileAlerts(latestRuns, connections),
  ]);
}

/** Everything alertsOf needs, fetched for the tenant's connections as they are now. */
export async function currentAlerts(db: TenantDb, prisma: PrismaClient, now = new Date()): Promise<Alert[]> {
  const connections = await db.connection.findMany({
    select: { id: true, name: true, provider: true, direction: true, lastSyncAt: true },
    orderBy: [{ direction: "desc" }, { createdAt: "asc" }],
  });
  const health = await connectionHealth(
    db,
    connections.map((c) => c.id),
    now,
  );
  return alertsOf(db, prisma, connections, health);
}
