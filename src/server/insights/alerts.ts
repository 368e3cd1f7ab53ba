import type { ConnectionHealth } from "@/server/connections/connection-health";
import type { UndeliveredItems } from "@/server/insights/tenant-insights";

/** Signature failures in a row before the overview calls it a wrong secret rather than noise. */
export const MISMATCH_ALERT_STREAK = 3;

export interface Alert {
  severity: "critical" | "warning";
  connectionId: string;
  title: string;
  action: string;
  /** Where the alert's link goes when it is not about a connection (e.g. the Webhooks page). */
  link?: { path: string; label: string };
}

export interface AlertedConnection {
  id: string;
  name: string;
  lastSyncAt: Date | null;
  provider: string;
}

/** What needs a person's attention on one connection, most urgent first. */
export function alertsFor(
  connection: AlertedConnection,
  health: ConnectionHealth,
  undelivered?: UndeliveredItems,
): Alert[] {
  const alerts: Alert[] = [];
  if (health.signatureMismatchStreak >= MISMATCH_ALERT_STREAK) {
    alerts.push({
      severity: "critical",
      connectionId: connection.id,
      title: `${connection.name}: the last ${health.signatureMismatchStreak} webhooks from the platform failed their signature check`,
      action:
        "The platform is signing with a different secret. Compare the secret's last four characters, or rotate it and paste the new one into the platform.",
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
    alerts.push({
      severity: "critical",
      connectionId: connection.id,
      title: `${connection.name} is failing: updates are queued until it recovers`,
      action:
        "Check the storefront is up and its API credentials are valid (Test connection). Queued updates replay on recovery.",
    });
  } else if (health.failedPushes24h > 0) {
    alerts.push({
      severity: "warning",
      connectionId: connection.id,
      title: `${connection.name}: ${health.failedPushes24h} storefront update(s) failed in 24 h`,
      action: "Open the event timeline, filter by Failed, and replay them once the cause is fixed.",
    });
  }
  if (!connection.lastSyncAt && connection.provider !== "STANDARD_WEBHOOKS" && !health.syncRunning) {
    alerts.push({
      severity: "warning",
      connectionId: connection.id,
      title: `${connection.name} has never been synced`,
      action: "Press Resync on the connection to run the first reconcile.",
    });
  }
  return alerts;
}

/** Outbound endpoints Stockhook switched off after failing deliveries. */
export function switchedOffEndpointAlerts(
  endpoints: { id: string; url: string; disabledReason: string | null }[],
): Alert[] {
  return endpoints.map((endpoint) => ({
    severity: "critical",
    connectionId: endpoint.id,
    title: `Webhook endpoint ${endpoint.url} was switched off`,
    action: `${endpoint.disabledReason}. Fix the receiver, then enable the endpoint again.`,
    link: { path: "/webhooks", label: "Open webhooks" },
  }));
}

/** One alert per connection whose platform webhook subscriptions could not be kept. */
export function failedSubscriptionAlerts(
  failed: { connectionId: string; topic: string; lastError: string | null }[],
  connections: { id: string; name: string }[],
): Alert[] {
  const failedByConnection = new Map<string, typeof failed>();
  for (const row of failed)
    failedByConnection.set(row.connectionId, [...(failedByConnection.get(row.connectionId) ?? []), row]);
  return [...failedByConnection].map(([connectionId, rows]) => ({
    severity: "critical",
    connectionId,
    title: `${connections.find((c) => c.id === connectionId)?.name ?? "A connection"} may not be sending webhooks: Stockhook could not keep its ${rows.map((r) => r.topic).join(", ")} subscription${rows.length > 1 ? "s" : ""}`,
    action: `${rows[0]?.lastError ?? "The platform refused."} Until then only the scheduled reconcile picks up its changes.`,
  }));
}

/** Critical first; the order within a severity is kept (a stable sort). */
export function mostUrgentFirst(alerts: Alert[]): Alert[] {
  return [...alerts].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
}
