import type { Alert } from "@/server/insights/alerts";
import type { TenantDb } from "@/server/tenancy/tenant-db";
import { incidentKey, isNotifiableKind } from "./kinds";

/**
 * Incidents: the alerts of one tenant, remembered between evaluations so each is notified once
 * when it opens and once when it resolves.
 *
 * An alert that clears is not "resolved" at once: it must stay clear for the hold-down window.
 * If it comes back within the window, the same incident simply continues, and nobody hears of
 * the blip. Only when the window passes quietly is the "resolved" message due and the incident
 * closed; the next occurrence after that is a new incident with its own message. So an alert
 * flapping faster than the window sends one message and one "resolved", however often it flaps.
 */
export const RESOLVE_HOLD_DOWN_MS = 5 * 60_000;

export type Transition = "opened" | "resolved";

export interface DueNotification {
  incidentId: string;
  kind: string;
  transition: Transition;
}

type IncidentDb = Pick<TenantDb, "tenantId" | "alertIncident" | "$transaction">;

/** Where the dashboard shows the alert, under /t/<slug>: its own link, else its connection. */
export function alertPath(alert: Alert): string {
  return alert.link?.path ?? `/connections/${encodeURIComponent(alert.connectionId)}`;
}

/**
 * Brings the tenant's incidents in line with its current alerts, in one transaction, and returns
 * the messages now due. Incidents that were never announced (no channel took them) close without
 * a "resolved" message.
 */
export async function diffIncidents(
  db: IncidentDb,
  alerts: Alert[],
  now: Date,
  holdDownMs = RESOLVE_HOLD_DOWN_MS,
): Promise<DueNotification[]> {
  const tenantId = db.tenantId;
  const current = new Map<string, Alert>();
  for (const alert of alerts)
    if (isNotifiableKind(alert.kind) && !current.has(incidentKey(alert))) current.set(incidentKey(alert), alert);
  return db.$transaction(async (tx) => {
    const live = await tx.alertIncident.findMany({ where: { tenantId, liveKey: { not: null } } });
    const liveByKey = new Map(live.map((incident) => [incident.key, incident]));
    for (const [key, alert] of current) {
      const existing = liveByKey.get(key);
      if (existing) {
        // Seen again: a resolution still inside its hold-down window is called off. The wording
        // stays as first sent, so the "resolved" message names what the first message named.
        await tx.alertIncident.updateMany({
          where: { id: existing.id, tenantId },
          data: { lastSeenAt: now, resolvedAt: null },
        });
        existing.resolvedAt = null;
      } else {
        const created = await tx.alertIncident.create({
          data: {
            tenantId,
            key,
            kind: alert.kind,
            severity: alert.severity,
            title: alert.title,
            action: alert.action,
            path: alertPath(alert),
            openedAt: now,
            lastSeenAt: now,
            liveKey: `${tenantId}:${key}`,
          },
        });
        live.push(created);
      }
    }
    const cleared = live.filter((incident) => !current.has(incident.key) && incident.resolvedAt === null);
    if (cleared.length) {
      await tx.alertIncident.updateMany({
        where: { id: { in: cleared.map((incident) => incident.id) }, tenantId },
        data: { resolvedAt: now },
      });
      for (const incident of cleared) incident.resolvedAt = now;
    }
    const due: DueNotification[] = [];
    const closeSilently: string[] = [];
    const quietSince = now.getTime() - holdDownMs;
    for (const incident of live) {
      if (incident.resolvedAt === null) {
        if (incident.notifiedAt === null)
          due.push({ incidentId: incident.id, kind: incident.kind, transition: "opened" });
      } else if (incident.resolvedAt.getTime() <= quietSince) {
        if (incident.notifiedAt !== null && incident.announced)
          due.push({ incidentId: incident.id, kind: incident.kind, transition: "resolved" });
        else closeSilently.push(incident.id);
      }
    }
    if (closeSilently.length)
      await tx.alertIncident.updateMany({
        where: { id: { in: closeSilently }, tenantId },
        data: { resolvedNotifiedAt: now, liveKey: null },
      });
    return due;
  });
}

export interface RecordedOutcome {
  incidentId: string;
  transition: Transition;
  /** The message reached at least this one channel. */
  delivered: boolean;
}

/**
 * Marks messages as handled, delivered or not (a failed send was retried and logged; it is not
 * sent again on the next evaluation). An opening announced nowhere gets no "resolved" either.
 */
export async function recordOutcomes(
  db: Pick<TenantDb, "tenantId" | "alertIncident">,
  outcomes: RecordedOutcome[],
  now: Date,
): Promise<void> {
  const byMessage = new Map<string, { incidentId: string; transition: Transition; delivered: boolean }>();
  for (const outcome of outcomes) {
    const id = `${outcome.incidentId}:${outcome.transition}`;
    const seen = byMessage.get(id);
    byMessage.set(id, { ...outcome, delivered: outcome.delivered || (seen?.delivered ?? false) });
  }
  for (const message of byMessage.values()) {
    if (message.transition === "opened")
      await db.alertIncident.updateMany({
        where: { id: message.incidentId, notifiedAt: null },
        data: { notifiedAt: now, announced: message.delivered },
      });
    else
      await db.alertIncident.updateMany({
        where: { id: message.incidentId, resolvedNotifiedAt: null },
        data: { resolvedNotifiedAt: now, liveKey: null },
      });
  }
}
