import type { ConnectionHealth } from "@/server/connections/connection-health";
import type { UndeliveredItems } from "@/server/insights/tenant-insights";

/** Signature failures in a row before the overview calls it a wrong secret rather than noise. */
export const MISMATCH_ALERT_STREAK = 3;

/**
 * What an alert is about. With its subject (`connectionId`) it makes the alert's stable key, which
 * notifications use to tell a new incident from one still open (src/server/notifications).
 */
export const ALERT_KINDS = [
  "channel-failing",
  "signature-mismatch",
  "subscription-lost",
  "reconcile-failing",
  "events-failed",
  "endpoint-switched-off",
  "never-synced",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface Alert {
  kind: AlertKind;
  severity: "critical" | "warning";
  /** The alert's subject: a connection, or an outbound endpoint for `endpoint-switched-off`. */
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
      kind: "signature-mismatch",
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
      kind: "channel-failing",
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
      kind: "channel-failing",
      severity: "critical",
      connectionId: connection.id,
      title: `${connection.name} is failing: updates are queued until it recovers`,
      action:
        "Check the storefront is up and its API credentials are valid (Test connection). Queued updates replay on recovery.",
    });
  } else if (health.failedPushes24h > 0) {
    alerts.push({
      kind: "events-failed",
      severity: "warning",
      connectionId: connection.id,
      title: `${connection.name}: ${health.failedPushes24h} storefront update(s) failed in 24 h`,
      action: "Open the event timeline, filter by Failed, and replay them once the cause is fixed.",
    });
  } else if (health.failedEvents24h > 0) {
    alerts.push({
      kind: "events-failed",
      severity: "warning",
      connectionId: connection.id,
      title: `${connection.name}: ${health.failedEvents24h} webhook event${health.failedEvents24h === 1 ? "" : "s"} failed in 24 h`,
      action: "Open the failed events to see why, fix the cause, then replay them.",
      link: {
        path: `/events?connection=${encodeURIComponent(connection.id)}&status=FAILED`,
        label: "See the failed events",
      },
    });
  }
  if (!connection.lastSyncAt && connection.provider !== "STANDARD_WEBHOOKS" && !health.syncRunning) {
    alerts.push({
      kind: "never-synced",
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
    kind: "endpoint-switched-off",
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
    kind: "subscription-lost",
    severity: "critical",
    connectionId,
    title: `${connections.find((c) => c.id === connectionId)?.name ?? "A connection"} may not be sending webhooks: Stockhook could not keep its ${rows.map((r) => r.topic).join(", ")} subscription${rows.length > 1 ? "s" : ""}`,
    action: `${rows[0]?.lastError ?? "The platform refused."} Until then only the scheduled reconcile picks up its changes.`,
  }));
}

/**
 * One alert per connection whose latest finished reconcile failed: the safety net is not catching
 * what webhooks miss. A later successful run (scheduled or Resync) clears it.
 */
export function failingReconcileAlerts(
  latestRuns: { connectionId: string; status: string }[],
  connections: { id: string; name: string }[],
): Alert[] {
  return latestRuns
    .filter((run) => run.status === "FAILED")
    .map((run) => ({
      kind: "reconcile-failing",
      severity: "warning",
      connectionId: run.connectionId,
      title: `${connections.find((c) => c.id === run.connectionId)?.name ?? "A connection"}: the last reconcile failed`,
      action:
        "Until a reconcile succeeds, changes a webhook missed are not caught up. Open Sync runs to see why, check the credentials (Test connection), then press Resync.",
      link: { path: "/sync-runs", label: "Open sync runs" },
    }));
}

/** Critical first; the order within a severity is kept (a stable sort). */
export function mostUrgentFirst(alerts: Alert[]): Alert[] {
  return [...alerts].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
}
