import { env } from "@/env";
import type { PrismaClient } from "@/generated/prisma/client";
import { currentAlerts } from "@/server/insights/current-alerts";
import { logger } from "@/server/logger";
import { mailer as appMailer, type Mailer } from "@/server/mail/mailer";
import { alertOpenedMail, alertResolvedMail, testNotificationMail } from "@/server/mail/templates";
import { guardedFetch, type GuardedFetch } from "@/server/network/guarded-fetch";
import { UnsafeUrlError, urlPolicyFromEnv } from "@/server/network/url-safety";
import { scopeToTenant, type TenantDb } from "@/server/tenancy/tenant-db";
import {
  diffIncidents,
  recordOutcomes,
  RESOLVE_HOLD_DOWN_MS,
  type RecordedOutcome,
  type Transition,
} from "./incidents";
import { notifies, readSettings, revealSlackUrl } from "./settings";
import { postToSlack, slackMessage } from "./slack";

/**
 * The notification run, as plain functions (the Inngest function `notify-alerts` only puts them in
 * steps): plan what is due per tenant, send each message on each channel, record the outcomes.
 * Step state holds ids only: addresses and the Slack URL are looked up inside the sending step.
 */
export interface NotificationDeps {
  mailer: Mailer;
  fetch: GuardedFetch;
  appUrl: string;
}

export function defaultDeps(): NotificationDeps {
  return {
    mailer: appMailer(),
    fetch: guardedFetch({ policy: urlPolicyFromEnv(), maxRedirects: 0, maxBodyBytes: 64 * 1024 }),
    appUrl: env().APP_URL,
  };
}

export type Channel = "email" | "slack";

export interface PlannedDelivery {
  tenantId: string;
  incidentId: string;
  transition: Transition;
  channel: Channel;
  /** The owner or admin an email goes to. */
  userId?: string;
}

/** Step id of one delivery: stable across the run's replays, unique within it. */
export function deliveryStepId(delivery: PlannedDelivery): string {
  return `send-${delivery.incidentId}-${delivery.transition}-${delivery.channel}${delivery.userId ? `-${delivery.userId}` : ""}`;
}

/** Owners and admins with a verified address: the only people alert mail goes to. */
async function recipients(db: Pick<TenantDb, "membership">, userId?: string) {
  const members = await db.membership.findMany({
    where: {
      role: { in: ["OWNER", "ADMIN"] },
      status: "ACTIVE",
      user: { emailVerifiedAt: { not: null } },
      ...(userId ? { userId } : {}),
    },
    select: { userId: true, user: { select: { email: true } } },
    orderBy: { createdAt: "asc" },
  });
  return members.flatMap((m) => (m.userId && m.user ? [{ userId: m.userId, email: m.user.email }] : []));
}

/** Tenants to evaluate: any with a connection, and any with a live incident (its connection may be gone). */
export async function tenantsToEvaluate(prisma: PrismaClient): Promise<string[]> {
  const tenants = await prisma.tenant.findMany({
    where: { OR: [{ connections: { some: {} } }, { alertIncidents: { some: { liveKey: { not: null } } } }] },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  return tenants.map((t) => t.id);
}

/** One tenant: diff its alerts against its incidents and list the messages due, per channel. */
export async function planTenant(
  prisma: PrismaClient,
  tenantId: string,
  now = new Date(),
  holdDownMs = RESOLVE_HOLD_DOWN_MS,
): Promise<PlannedDelivery[]> {
  const db = scopeToTenant(prisma, tenantId);
  const due = await diffIncidents(db, await currentAlerts(db, prisma, now), now, holdDownMs);
  if (!due.length) return [];
  const [settings, people] = await Promise.all([readSettings(db), recipients(db)]);
  const planned: PlannedDelivery[] = [];
  const nowhere: RecordedOutcome[] = [];
  for (const message of due) {
    const base = { tenantId, incidentId: message.incidentId, transition: message.transition };
    const channels: PlannedDelivery[] = notifies(settings, message.kind)
      ? [
          ...(settings.emailEnabled
            ? people.map((p) => ({ ...base, channel: "email" as const, userId: p.userId }))
            : []),
          ...(settings.slack ? [{ ...base, channel: "slack" as const }] : []),
        ]
      : [];
    if (channels.length) planned.push(...channels);
    else nowhere.push({ ...base, delivered: false });
  }
  await recordOutcomes(db, nowhere, now);
  return planned;
}

/** Every tenant, each on its own: one tenant's failure is logged and never stops the others. */
export async function planAllTenants(
  prisma: PrismaClient,
  now = new Date(),
  holdDownMs = RESOLVE_HOLD_DOWN_MS,
): Promise<PlannedDelivery[]> {
  const planned: PlannedDelivery[] = [];
  for (const tenantId of await tenantsToEvaluate(prisma)) {
    try {
      planned.push(...(await planTenant(prisma, tenantId, now, holdDownMs)));
    } catch (error) {
      logger.error({ area: "notifications", tenantId, err: error }, "alert evaluation failed for this tenant");
    }
  }
  return planned;
}

export interface DeliveryOutcome extends RecordedOutcome {
  tenantId: string;
  channel: Channel;
  error?: string;
}

/** Refused addresses and missing settings do not get better by retrying. */
export function isRetryable(error: unknown): boolean {
  return !(error instanceof UnsafeUrlError);
}

/**
 * Sends one planned message on one channel. Throws when the send failed (the caller retries);
 * answers delivered: false when there is nothing to send to any more (member left, URL removed).
 */
export async function sendDelivery(
  prisma: PrismaClient,
  delivery: PlannedDelivery,
  deps: NotificationDeps,
): Promise<DeliveryOutcome> {
  const db = scopeToTenant(prisma, delivery.tenantId);
  const outcome = { ...delivery, delivered: false };
  const [incident, tenant] = await Promise.all([
    db.alertIncident.findFirstOrThrow({ where: { id: delivery.incidentId } }),
    prisma.tenant.findUniqueOrThrow({ where: { id: delivery.tenantId }, select: { name: true, slug: true } }),
  ]);
  const base = `${deps.appUrl.replace(/\/$/, "")}/t/${tenant.slug}`;
  const url = `${base}${incident.path}`;
  const settingsUrl = `${base}/settings`;
  const severity = incident.severity === "critical" ? "critical" : "warning";
  if (delivery.channel === "email") {
    const [person] = await recipients(db, delivery.userId);
    if (!person) return outcome;
    const input = {
      tenantName: tenant.name,
      severity,
      title: incident.title,
      action: incident.action,
      url,
      settingsUrl,
      openedAt: incident.openedAt,
    } as const;
    await deps.mailer.send(
      person.email,
      delivery.transition === "opened"
        ? alertOpenedMail(input)
        : alertResolvedMail({ ...input, resolvedAt: incident.resolvedAt ?? new Date() }),
    );
    logSent(delivery);
    return { ...outcome, delivered: true };
  }
  const slackUrl = await revealSlackUrl(db);
  if (!slackUrl) return outcome;
  await postToSlack(
    deps.fetch,
    slackUrl,
    slackMessage({
      tenantName: tenant.name,
      headline: delivery.transition === "resolved" ? "Resolved" : severity === "critical" ? "Critical" : "Warning",
      title: incident.title,
      detail: delivery.transition === "resolved" ? "Nothing more is needed unless it comes back." : incident.action,
      url,
      linkLabel: "Open it in Stockhook",
    }),
  );
  logSent(delivery);
  return { ...outcome, delivered: true };
}

function logSent(delivery: PlannedDelivery) {
  const { tenantId, incidentId, channel, transition } = delivery;
  logger.info({ area: "notifications", tenantId, incidentId, channel, transition }, "alert notification sent");
}

/** Records the outcomes of a run, tenant by tenant. */
export async function recordDeliveries(prisma: PrismaClient, outcomes: DeliveryOutcome[], now = new Date()) {
  const byTenant = new Map<string, DeliveryOutcome[]>();
  for (const outcome of outcomes) byTenant.set(outcome.tenantId, [...(byTenant.get(outcome.tenantId) ?? []), outcome]);
  for (const [tenantId, tenantOutcomes] of byTenant)
    await recordOutcomes(scopeToTenant(prisma, tenantId), tenantOutcomes, now);
}

/**
 * One whole evaluation without Inngest (tests, scripts): plan, send each message once (no
 * retry), record. Failures are logged and recorded as not delivered.
 */
export async function evaluateAndNotify(
  prisma: PrismaClient,
  deps: NotificationDeps,
  now = new Date(),
  holdDownMs = RESOLVE_HOLD_DOWN_MS,
): Promise<DeliveryOutcome[]> {
  const planned = await planAllTenants(prisma, now, holdDownMs);
  const outcomes = await Promise.all(
    planned.map((delivery) =>
      sendDelivery(prisma, delivery, deps).catch((error: unknown) => {
        logDeliveryFailure(delivery, error, true);
        return { ...delivery, delivered: false, error: errorMessage(error) };
      }),
    ),
  );
  await recordDeliveries(prisma, outcomes, now);
  return outcomes;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function logDeliveryFailure(delivery: PlannedDelivery, error: unknown, final: boolean) {
  logger[final ? "error" : "warn"](
    {
      area: "notifications",
      tenantId: delivery.tenantId,
      incidentId: delivery.incidentId,
      channel: delivery.channel,
      transition: delivery.transition,
      err: error,
    },
    final ? "alert notification could not be sent; giving up on it" : "alert notification failed; it will be retried",
  );
}

export interface TestOutcome {
  email: { sentTo: string } | { skipped: string } | { error: string };
  slack: { sent: true } | { skipped: string } | { error: string };
}

/** The settings page's "Send a test notification": email to the person asking, and Slack, now. */
export async function sendTestNotification(
  prisma: PrismaClient,
  tenantId: string,
  userId: string,
  deps: NotificationDeps,
): Promise<TestOutcome> {
  const db = scopeToTenant(prisma, tenantId);
  const [tenant, settings, slackUrl, [person]] = await Promise.all([
    prisma.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: { name: true, slug: true } }),
    readSettings(db),
    revealSlackUrl(db),
    recipients(db, userId),
  ]);
  const settingsUrl = `${deps.appUrl.replace(/\/$/, "")}/t/${tenant.slug}/settings`;
  const email: TestOutcome["email"] = !settings.emailEnabled
    ? { skipped: "Email notifications are off" }
    : !person
      ? { skipped: "Only owners and admins with a verified address get alert mail" }
      : await deps.mailer.send(person.email, testNotificationMail({ tenantName: tenant.name, settingsUrl })).then(
          () => ({ sentTo: person.email }),
          // The SMTP server's own words are the operator's business, not the tenant's: they go to the log.
          (error: unknown) => (
            logger.error({ area: "notifications", tenantId, err: error }, "test mail failed"),
            { error: "The mail could not be sent; try again in a few minutes" }
          ),
        );
  const slack: TestOutcome["slack"] = !slackUrl
    ? { skipped: "No Slack URL is set" }
    : await postToSlack(
        deps.fetch,
        slackUrl,
        slackMessage({
          tenantName: tenant.name,
          headline: "Test",
          title: "Alert notifications reach this channel",
          detail: 'Alerts and their "resolved" messages arrive like this one.',
          url: settingsUrl,
          linkLabel: "Open notification settings",
        }),
      ).then(
        () => ({ sent: true as const }),
        (error: unknown) => ({ error: errorMessage(error) }),
      );
  if ("error" in email || "error" in slack)
    logger.warn({ area: "notifications", tenantId, email, slack }, "test notification failed on a channel");
  return { email, slack };
}
