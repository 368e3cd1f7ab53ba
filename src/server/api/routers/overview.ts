import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { connectionHealth, type ConnectionHealth } from "@/server/connections/connection-health";
import { eventsPerHour, undeliveredItems, webhookToStorefrontLatency, type UndeliveredItems } from "@/server/insights/tenant-insights";
import { rejectedPerConnection } from "@/server/inbound/rejection-counts";

const DAY_MS = 24 * 60 * 60 * 1000;
const MISMATCH_ALERT_STREAK = 3;

export interface Alert {
  severity: "critical" | "warning";
  connectionId: string;
  title: string;
  action: string;
  /** Where the alert's link goes when it is not about a connection (e.g. the Webhooks page). */
  link?: { path: string; label: string };
}

/** What needs a person's attention, most urgent first. */
function alertsFor(connection: { id: string; name: string; direction: string; lastSyncAt: Date | null; syncSchedule: string; provider: string }, health: ConnectionHealth, undelivered?: UndeliveredItems): Alert[] {
  const alerts: Alert[] = [];
  if (health.signatureMismatchStreak >= MISMATCH_ALERT_STREAK) {
    alerts.push({
      severity: "critical",
      connectionId: connection.id,
      title: `${connection.name}: the last ${health.signatureMismatchStreak} webhooks from the platform failed their signature check`,
      action: "The platform is signing with a different secret. Compare the secret's last four characters, or rotate it and paste the new one into the platform.",
    });
  }
  if (undelivered?.count) {
    const more = undelivered.count - undelivered.skus.length;
    alerts.push({
      severity: "critical",
      connectionId: connection.id,
      title: `${connection.name} is failing: ${undelivered.count} item${undelivered.count === 1 ? " has" : "s have"} not reached it yet (${undelivered.skus.join(", ")}${more > 0 ? ` and ${more} more` : ""})`,
      action: health.retryingPushes
        ? "Stockhook keeps retrying on its own; other storefronts are updated as usual. Check the storefront is up and its API credentials are valid (Test connection)."
        : "The retries are used up. Once the storefront works again, replay the failed events.",
      link: { path: `/events?channel=${encodeURIComponent(connection.id)}`, label: "See the affected events" },
    });
  } else if (health.circuit === "open") {
    alerts.push({ severity: "critical", connectionId: connection.id, title: `${connection.name} is failing: updates are queued until it recovers`, action: "Check the storefront is up and its API credentials are valid (Test connection). Queued updates replay on recovery." });
  } else if (health.failedPushes24h > 0) {
    alerts.push({ severity: "warning", connectionId: connection.id, title: `${connection.name}: ${health.failedPushes24h} storefront update(s) failed in 24 h`, action: "Open the event timeline, filter by Failed, and replay them once the cause is fixed." });
  }
  if (!connection.lastSyncAt && connection.provider !== "STANDARD_WEBHOOKS" && !health.syncRunning) {
    alerts.push({ severity: "warning", connectionId: connection.id, title: `${connection.name} has never been synced`, action: "Press Resync on the connection to run the first reconcile." });
  }
  return alerts;
}

export const overviewRouter = createTRPCRouter({
  summary: tenantProcedure.query(async ({ ctx }) => {
    const now = new Date();
    const since = new Date(now.getTime() - DAY_MS);
    const startOfDay = new Date(now);
    startOfDay.setUTCHours(0, 0, 0, 0);
    const [connections, itemsByStatus, eventsByStatus, soldToday, latency, hourly, rejected] = await Promise.all([
      ctx.db.connection.findMany({
        select: { id: true, name: true, provider: true, direction: true, status: true, syncSchedule: true, lastWebhookAt: true, lastSyncAt: true },
        orderBy: [{ direction: "desc" }, { createdAt: "asc" }],
      }),
      ctx.db.item.groupBy({ by: ["status"], _count: { _all: true } }),
      // REJECTED rows are a sample; refused requests are counted separately (below).
      ctx.db.webhookEvent.groupBy({ by: ["status"], where: { receivedAt: { gte: since }, status: { not: "REJECTED" } }, _count: { _all: true } }),
      ctx.db.stockChange.count({ where: { statusAfter: "SOLD", statusBefore: { not: "SOLD" }, createdAt: { gte: startOfDay } } }),
      webhookToStorefrontLatency(ctx.prisma, ctx.tenant.id, since),
      eventsPerHour(ctx.prisma, ctx.tenant.id, 24, now),
      rejectedPerConnection(ctx.db, since),
    ]);
    const rejected24h = [...rejected.values()].reduce((sum, count) => sum + count, 0);
    const channelIds = connections.filter((c) => c.direction === "CHANNEL").map((c) => c.id);
    const [health, undelivered] = await Promise.all([connectionHealth(ctx.db, connections.map((c) => c.id), now), undeliveredItems(ctx.prisma, ctx.tenant.id, channelIds)]);
    const undeliveredOf = new Map(undelivered.map((entry) => [entry.connectionId, entry]));
    const withHealth = connections.map((connection) => ({ ...connection, health: health.get(connection.id)! }));
    const switchedOff = await ctx.db.webhookEndpoint.findMany({ where: { enabled: false, disabledReason: { not: null } }, select: { id: true, url: true, disabledReason: true } });
    const endpointAlerts: Alert[] = switchedOff.map((endpoint) => ({
      severity: "critical",
      connectionId: endpoint.id,
      title: `Webhook endpoint ${endpoint.url} was switched off`,
      action: `${endpoint.disabledReason}. Fix the receiver, then enable the endpoint again.`,
      link: { path: "/webhooks", label: "Open webhooks" },
    }));
    const failedSubscriptions = await ctx.db.platformSubscription.findMany({ where: { state: "FAILED" }, select: { connectionId: true, topic: true, lastError: true }, orderBy: { topic: "asc" } });
    const failedByConnection = new Map<string, typeof failedSubscriptions>();
    for (const row of failedSubscriptions) failedByConnection.set(row.connectionId, [...(failedByConnection.get(row.connectionId) ?? []), row]);
    const subscriptionAlerts: Alert[] = [...failedByConnection].map(([connectionId, rows]) => ({
      severity: "critical",
      connectionId,
      title: `${connections.find((c) => c.id === connectionId)?.name ?? "A connection"} may not be sending webhooks: Stockhook could not keep its ${rows.map((r) => r.topic).join(", ")} subscription${rows.length > 1 ? "s" : ""}`,
      action: `${rows[0]?.lastError ?? "The platform refused."} Until then only the scheduled reconcile picks up its changes.`,
    }));
    const alerts = [...withHealth.flatMap((connection) => alertsFor(connection, connection.health, undeliveredOf.get(connection.id))), ...endpointAlerts, ...subscriptionAlerts].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
    return {
      connections: withHealth,
      items: Object.fromEntries(itemsByStatus.map((row) => [row.status, row._count._all])) as Partial<Record<string, number>>,
      events24h: { ...Object.fromEntries(eventsByStatus.map((row) => [row.status, row._count._all])), ...(rejected24h ? { REJECTED: rejected24h } : {}) } as Partial<Record<string, number>>,
      soldToday,
      latency,
      hourly,
      alerts,
    };
  }),
});
