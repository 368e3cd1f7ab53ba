import type { AlertKind } from "@/server/insights/alerts";

/**
 * The alert kinds a tenant can be notified about, in the order the settings page lists them.
 * "never-synced" is left out: it is a to-do on a new connection, not an incident.
 */
export const NOTIFIABLE_KINDS = [
  { kind: "channel-failing", label: "A storefront is failing (updates not reaching it, breaker open)" },
  { kind: "signature-mismatch", label: "Webhooks from a platform fail their signature check" },
  { kind: "subscription-lost", label: "A platform webhook subscription could not be kept" },
  { kind: "reconcile-failing", label: "A reconcile failed" },
  { kind: "events-failed", label: "Events failed (at a source or a storefront)" },
  { kind: "endpoint-switched-off", label: "An outbound webhook endpoint was switched off" },
] as const satisfies readonly { kind: AlertKind; label: string }[];

export type NotifiableKind = (typeof NOTIFIABLE_KINDS)[number]["kind"];

const notifiable = new Set<string>(NOTIFIABLE_KINDS.map((entry) => entry.kind));

export function isNotifiableKind(kind: string): kind is NotifiableKind {
  return notifiable.has(kind);
}

/** The stable key of an alert: the same failure on the same subject keeps the same key while it lasts. */
export function incidentKey(alert: { kind: string; connectionId: string }): string {
  return `${alert.kind}:${alert.connectionId}`;
}
