import type { PrismaClient, Provider } from "@/generated/prisma/client";
import { appendTenantAudit } from "@/server/audit/audit-log";
import {
  AuthError,
  type BusinessCentralConnector,
  ConnectorError,
  NotFoundError,
  RateLimitedError,
  RequestRejectedError,
  UnavailableError,
} from "@/server/connectors";
import {
  hasWebhookSubscriptions,
  type PlatformWebhook,
  type WebhookSubscriptionApi,
} from "@/server/connectors/webhook-subscriptions";
import { BIGCOMMERCE_SUBSCRIPTION_SCOPES } from "@/server/connectors/bigcommerce/connector";
import { SHOPIFY_SUBSCRIPTION_TOPICS } from "@/server/connectors/shopify/connector";
import { WOO_SUBSCRIPTION_TOPICS } from "@/server/connectors/woocommerce/connector";
import { revealSecret } from "@/server/crypto/secret-store";
import { scopeToTenant, type TenantDb } from "@/server/tenancy/tenant-db";
import { webhookUrl } from "./provider-guides";
import { logger } from "@/server/logger";

/**
 * Stockhook makes every platform's webhook subscriptions itself and keeps them alive.
 *
 * Business Central subscriptions lapse three days after they are made or renewed: Stockhook keeps
 * the id and etag and renews a day before the lapse. Shopify, WooCommerce and BigCommerce keep a
 * subscription until they give up on it: WooCommerce disables a hook after repeated failed
 * deliveries, BigCommerce deactivates one after its 48-hour retry window (or 90 idle days), and
 * Shopify removes one after 8 failed retries. The hourly pass reads each platform's own list and
 * puts back what was dropped: a disabled hook is switched on again, a removed one made anew, one
 * pointing elsewhere or carrying a rotated secret updated. A repair means deliveries were missed,
 * so the caller starts an incremental reconcile. What cannot be repaired (the credentials lack the
 * scope, the platform refuses) is marked FAILED, shown on the Overview and audited once.
 */
export const RENEW_BEFORE_MS = 24 * 3_600_000;
/** How long the validation handshake is answered after Stockhook starts a subscribe or renew call. */
export const HANDSHAKE_WINDOW_MS = 2 * 60_000;
export const BUSINESS_CENTRAL_TOPIC = "items";

/** Platforms whose subscriptions Stockhook manages through the platform's API. */
export const SUBSCRIBING_PROVIDERS = [
  "SHOPIFY",
  "WOOCOMMERCE",
  "BIGCOMMERCE",
  "BUSINESS_CENTRAL",
] as const satisfies readonly Provider[];

export type SubscriptionConnector = Pick<BusinessCentralConnector, "subscribe" | "renewSubscription" | "unsubscribe">;
export type EnsureAction =
  "created" | "renewed" | "replaced" | "current" | "reactivated" | "recreated" | "updated" | "adopted" | "failed";

const TOPICS: Partial<Record<Provider, readonly string[]>> = {
  SHOPIFY: SHOPIFY_SUBSCRIPTION_TOPICS,
  WOOCOMMERCE: WOO_SUBSCRIPTION_TOPICS,
  BIGCOMMERCE: BIGCOMMERCE_SUBSCRIPTION_SCOPES,
  BUSINESS_CENTRAL: [BUSINESS_CENTRAL_TOPIC],
};

/** Actions after which deliveries may have been missed. */
const REPAIRS: readonly EnsureAction[] = ["reactivated", "recreated"];

/** The secret new subscriptions carry: the newest one that is neither revoked nor being rotated out. */
const CURRENT_SIGNING_SECRET = { purpose: "WEBHOOK_SIGNING", revokedAt: null, expiresAt: null } as const;

interface Target {
  tenantId: string;
  connectionId: string;
}

/**
 * Sources whose subscriptions need a look: Business Central ones without a subscription good for
 * another day (or with a rotated secret); every Shopify, WooCommerce and BigCommerce source, on
 * every pass, because only asking the platform shows whether it dropped one.
 */
export async function connectionsNeedingSubscription(prisma: PrismaClient, now = new Date()): Promise<Target[]> {
  const connections = await prisma.connection.findMany({
    where: {
      provider: { in: [...SUBSCRIBING_PROVIDERS] },
      direction: "SOURCE",
      status: "ACTIVE",
      webhooksEnabled: true,
    },
    select: {
      id: true,
      tenantId: true,
      provider: true,
      platformSubscriptions: {
        where: { topic: BUSINESS_CENTRAL_TOPIC },
        select: { expiresAt: true, secretId: true, state: true },
      },
      secrets: { where: CURRENT_SIGNING_SECRET, orderBy: { createdAt: "desc" }, take: 1, select: { id: true } },
    },
  });
  return connections
    .filter((c) => {
      if (c.provider !== "BUSINESS_CENTRAL") return true;
      const subscription = c.platformSubscriptions[0];
      return (
        !subscription ||
        subscription.state !== "ACTIVE" ||
        !subscription.expiresAt ||
        subscription.expiresAt.getTime() - now.getTime() < RENEW_BEFORE_MS ||
        subscription.secretId !== c.secrets[0]?.id
      );
    })
    .map((c) => ({ tenantId: c.tenantId, connectionId: c.id }));
}

async function currentSigningSecret(db: TenantDb, connectionId: string) {
  const secret = await db.secret.findFirst({
    where: { connectionId, ...CURRENT_SIGNING_SECRET },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  if (!secret) throw new Error("The connection has no active webhook signing secret to give the platform");
  return { id: secret.id, value: await revealSecret(db, secret.id) };
}

/** The platform no longer has this subscription, or will not accept our etag for it: make a new one. */
const isGone = (error: unknown) =>
  error instanceof NotFoundError || (error instanceof ConnectorError && (error.status === 404 || error.status === 412));

/** Shown to tenants, so in Stockhook's words: platform answers are never echoed verbatim. */
function errorText(error: unknown): string {
  if (error instanceof UnavailableError)
    return `The platform could not be reached (${error.kind.replaceAll("_", " ")}); Stockhook tries again.`;
  if (error instanceof RateLimitedError) return "The platform is rate-limiting Stockhook; it tries again.";
  if (error instanceof ConnectorError)
    return `The platform answered ${error.status ? `HTTP ${error.status}` : "something unexpected"}; Stockhook tries again.`;
  return "Stockhook could not check this subscription; it tries again.";
}

async function loadConnection(db: TenantDb, connectionId: string, appUrl: string) {
  const connection = await db.connection.findFirstOrThrow({
    where: { id: connectionId },
    select: { id: true, name: true, provider: true, tenant: { select: { slug: true } } },
  });
  return { ...connection, notificationUrl: webhookUrl(appUrl, connection.tenant.slug, connection.id) };
}

/** Business Central: one subscription to the company's items, renewed before it lapses. */
export async function ensureSubscription(
  prisma: PrismaClient,
  target: Target,
  deps: { connector: SubscriptionConnector; appUrl: string; now?: Date },
): Promise<{ action: EnsureAction; expiresAt: Date }> {
  const now = deps.now ?? new Date();
  const db = scopeToTenant(prisma, target.tenantId);
  const { notificationUrl, ...connection } = await loadConnection(db, target.connectionId, deps.appUrl);
  const existing = await db.platformSubscription.findFirst({
    where: { connectionId: target.connectionId, topic: BUSINESS_CENTRAL_TOPIC },
  });
  const secret = await currentSigningSecret(db, connection.id);

  // Business Central checks the notification URL during the call; only now is the echo answered.
  await db.connection.update({
    where: { id: connection.id },
    data: { subscriptionHandshakeUntil: new Date(Date.now() + HANDSHAKE_WINDOW_MS) },
  });
  try {
    let action: EnsureAction;
    let subscription;
    if (existing?.etag && existing.secretId === secret.id && existing.notificationUrl === notificationUrl) {
      if (
        existing.state === "ACTIVE" &&
        existing.expiresAt &&
        existing.expiresAt.getTime() - now.getTime() >= RENEW_BEFORE_MS
      ) {
        await db.platformSubscription.update({ where: { id: existing.id }, data: { lastCheckedAt: now } });
        return { action: "current", expiresAt: existing.expiresAt };
      }
      try {
        subscription = await deps.connector.renewSubscription({
          subscriptionId: existing.externalId,
          "@odata.etag": existing.etag,
        });
        action = "renewed";
      } catch (error) {
        if (!isGone(error)) throw error;
        subscription = await deps.connector.subscribe({ notificationUrl, clientState: secret.value });
        action = "recreated";
      }
    } else {
      if (existing?.etag) {
        // Its clientState is a rotated secret (or it points at an old URL): drop it, best effort.
        await deps.connector
          .unsubscribe({ subscriptionId: existing.externalId, "@odata.etag": existing.etag })
          .catch((error: unknown) => {
            if (!isGone(error)) throw error;
          });
      }
      subscription = await deps.connector.subscribe({ notificationUrl, clientState: secret.value });
      action = existing ? "replaced" : "created";
    }
    const fields = {
      externalId: subscription.subscriptionId,
      etag: subscription["@odata.etag"],
      notificationUrl,
      secretId: secret.id,
      state: "ACTIVE" as const,
      expiresAt: new Date(subscription.expirationDateTime),
      renewedAt: now,
      lastCheckedAt: now,
      lastError: null,
      lastErrorAt: null,
    };
    await db.platformSubscription.upsert({
      where: { connectionId_topic: { connectionId: connection.id, topic: BUSINESS_CENTRAL_TOPIC } },
      create: { tenantId: target.tenantId, connectionId: connection.id, topic: BUSINESS_CENTRAL_TOPIC, ...fields },
      update: fields,
    });
    return { action, expiresAt: fields.expiresAt };
  } catch (error) {
    if (existing)
      await db.platformSubscription.update({
        where: { id: existing.id },
        data: { lastError: errorText(error), lastErrorAt: now, lastCheckedAt: now },
      });
    throw error;
  } finally {
    await db.connection.update({ where: { id: connection.id }, data: { subscriptionHandshakeUntil: null } });
  }
}

export interface TopicOutcome {
  topic: string;
  action: EnsureAction;
  externalId?: string;
  /** Why it could not be made or repaired, in words for the tenant. */
  reason?: string;
}

export interface EnsureResult {
  outcomes: TopicOutcome[];
  /** A subscription was put back after the platform dropped it: deliveries may have been missed. */
  repaired: boolean;
}

/**
 * Refusals that another attempt cannot fix: the credentials lack the scope, or the platform
 * rejects the request itself (a full hook quota, an endpoint that failed WooCommerce's ping).
 * Worded for the tenant; the platform's own answer is not echoed.
 */
function unrepairableReason(error: unknown, api: WebhookSubscriptionApi): string | undefined {
  if (error instanceof AuthError)
    return `The API credentials may not manage webhooks. Stockhook needs ${api.requiredScopes}. Until then, register the webhook by hand with the steps on this connection's page.`;
  if (error instanceof RequestRejectedError)
    return `The platform refused the webhook subscription (HTTP ${error.status ?? "error"}). Check that the store can reach Stockhook's webhook address, or register the webhook by hand.`;
  return undefined;
}

/** Shopify, WooCommerce and BigCommerce: one subscription per topic the stock rules need. */
export async function ensurePlatformWebhooks(
  prisma: PrismaClient,
  target: Target,
  deps: { connector: { webhooks: WebhookSubscriptionApi }; appUrl: string; now?: Date },
): Promise<EnsureResult> {
  const now = deps.now ?? new Date();
  const db = scopeToTenant(prisma, target.tenantId);
  const api = deps.connector.webhooks;
  const { notificationUrl, ...connection } = await loadConnection(db, target.connectionId, deps.appUrl);
  const secret = await currentSigningSecret(db, connection.id);
  const rows = new Map(
    (await db.platformSubscription.findMany({ where: { connectionId: connection.id } })).map((row) => [row.topic, row]),
  );

  let atPlatform: PlatformWebhook[];
  try {
    atPlatform = await api.list();
  } catch (error) {
    const reason = unrepairableReason(error, api);
    if (!reason) {
      await db.platformSubscription.updateMany({
        where: { connectionId: connection.id },
        data: { lastError: errorText(error), lastErrorAt: now, lastCheckedAt: now },
      });
      throw error;
    }
    const outcomes = await Promise.all(
      api.topics.map((topic) =>
        recordFailure(prisma, target, {
          connectionName: connection.name,
          topic,
          notificationUrl,
          secretId: secret.id,
          reason,
          now,
          existing: rows.get(topic),
        }),
      ),
    );
    return { outcomes, repaired: false };
  }

  const outcomes: TopicOutcome[] = [];
  for (const topic of api.topics) {
    const row = rows.get(topic);
    const desired = { topic, address: notificationUrl, secret: secret.value };
    try {
      const known = row?.externalId ? atPlatform.find((hook) => hook.id === row.externalId) : undefined;
      // A hook of ours the platform has but we lost track of (or one registered by hand): take it over.
      const adoptable = known ?? atPlatform.find((hook) => hook.topic === topic && hook.address === notificationUrl);
      let hook: PlatformWebhook;
      let action: EnsureAction;
      if (!adoptable) {
        hook = await api.create(desired);
        action = row?.externalId ? "recreated" : "created";
      } else if (!adoptable.active) {
        hook = await api.update(adoptable.id, desired);
        action = "reactivated";
      } else if (!known || adoptable.address !== notificationUrl || row?.secretId !== secret.id) {
        hook = await api.update(adoptable.id, desired);
        action = known ? "updated" : "adopted";
      } else {
        hook = adoptable;
        action = "current";
      }
      if (!hook.active)
        throw new RequestRejectedError(
          `the platform left the ${topic} webhook inactive after Stockhook switched it on`,
          { status: 409 },
        );
      const fields = {
        externalId: hook.id,
        etag: null,
        notificationUrl,
        secretId: secret.id,
        state: "ACTIVE" as const,
        expiresAt: null,
        lastCheckedAt: now,
        lastError: null,
        lastErrorAt: null,
        ...(action === "current" ? {} : { renewedAt: now }),
      };
      await db.platformSubscription.upsert({
        where: { connectionId_topic: { connectionId: connection.id, topic } },
        create: { tenantId: target.tenantId, connectionId: connection.id, topic, ...fields },
        update: fields,
      });
      if (REPAIRS.includes(action) || row?.state === "FAILED") {
        await appendTenantAudit(
          prisma,
          target.tenantId,
          { userId: null },
          {
            action: "platform_subscription.repaired",
            target: `connection:${connection.id}`,
            summary: { connection: connection.name, topic, how: action, platformId: hook.id },
          },
        );
      }
      outcomes.push({ topic, action, externalId: hook.id });
    } catch (error) {
      const reason = unrepairableReason(error, api);
      if (!reason) {
        if (row)
          await db.platformSubscription.update({
            where: { id: row.id },
            data: { lastError: errorText(error), lastErrorAt: now, lastCheckedAt: now },
          });
        throw error;
      }
      outcomes.push(
        await recordFailure(prisma, target, {
          connectionName: connection.name,
          topic,
          notificationUrl,
          secretId: secret.id,
          reason,
          now,
          existing: row,
        }),
      );
    }
  }
  return { outcomes, repaired: outcomes.some((outcome) => REPAIRS.includes(outcome.action)) };
}

/** Marks a topic FAILED and audits it, once per failure (not on every hourly pass while it stays failed). */
async function recordFailure(
  prisma: PrismaClient,
  target: Target,
  input: {
    connectionName: string;
    topic: string;
    notificationUrl: string;
    secretId: string;
    reason: string;
    now: Date;
    existing?: { id: string; state: string; externalId: string };
  },
): Promise<TopicOutcome> {
  const db = scopeToTenant(prisma, target.tenantId);
  const fields = {
    state: "FAILED" as const,
    lastError: input.reason,
    lastErrorAt: input.now,
    lastCheckedAt: input.now,
  };
  await db.platformSubscription.upsert({
    where: { connectionId_topic: { connectionId: target.connectionId, topic: input.topic } },
    create: {
      tenantId: target.tenantId,
      connectionId: target.connectionId,
      topic: input.topic,
      externalId: "",
      notificationUrl: input.notificationUrl,
      secretId: input.secretId,
      ...fields,
    },
    update: fields,
  });
  if (input.existing?.state !== "FAILED") {
    await appendTenantAudit(
      prisma,
      target.tenantId,
      { userId: null },
      {
        action: "platform_subscription.failed",
        target: `connection:${target.connectionId}`,
        summary: { connection: input.connectionName, topic: input.topic, reason: input.reason },
      },
    );
  }
  return {
    topic: input.topic,
    action: "failed",
    externalId: input.existing?.externalId || undefined,
    reason: input.reason,
  };
}

/**
 * After the ensure job's last retry: a transient error that outlasted every retry is, for now,
 * a subscription Stockhook cannot keep, so it is shown and audited like any other.
 */
export async function markSubscriptionsFailed(
  prisma: PrismaClient,
  target: Target,
  error: string,
  deps: { appUrl: string; now?: Date },
) {
  const now = deps.now ?? new Date();
  const db = scopeToTenant(prisma, target.tenantId);
  const connection = await db.connection.findFirst({
    where: { id: target.connectionId },
    select: { name: true, provider: true },
  });
  if (!connection) return;
  logger.warn(
    { area: "subscriptions", tenantId: target.tenantId, connectionId: target.connectionId, error: error.slice(0, 500) },
    `giving up on connection ${target.connectionId} for now`,
  );
  const reason =
    "Stockhook could not reach the platform to check its webhooks through several retries. It tries again every hour.";
  const existing = await db.platformSubscription.findMany({
    where: { connectionId: target.connectionId },
    select: { topic: true, state: true },
  });
  const active = existing.filter((row) => row.state === "ACTIVE");
  if (existing.length === 0) {
    // Never made at all: record the topics it should have, so the failure shows.
    const { notificationUrl } = await loadConnection(db, target.connectionId, deps.appUrl);
    const secret = await db.secret.findFirst({
      where: { connectionId: target.connectionId, ...CURRENT_SIGNING_SECRET },
      orderBy: { createdAt: "desc" },
      select: { id: true },
    });
    for (const topic of TOPICS[connection.provider] ?? []) {
      await db.platformSubscription.create({
        data: {
          tenantId: target.tenantId,
          connectionId: target.connectionId,
          topic,
          externalId: "",
          notificationUrl,
          secretId: secret?.id ?? "",
          state: "FAILED",
          lastError: reason,
          lastErrorAt: now,
          lastCheckedAt: now,
        },
      });
      active.push({ topic, state: "ACTIVE" });
    }
  }
  await db.platformSubscription.updateMany({
    where: { connectionId: target.connectionId },
    data: { state: "FAILED", lastError: reason, lastErrorAt: now },
  });
  if (active.length) {
    await appendTenantAudit(
      prisma,
      target.tenantId,
      { userId: null },
      {
        action: "platform_subscription.failed",
        target: `connection:${target.connectionId}`,
        summary: { connection: connection.name, topics: active.map((row) => row.topic), reason },
      },
    );
  }
}

/** Any platform: what the hourly pass and "Check webhooks now" run for one connection. */
export async function ensureConnectionSubscriptions(
  prisma: PrismaClient,
  target: Target,
  deps: { connector: object; appUrl: string; now?: Date },
): Promise<EnsureResult> {
  if (hasWebhookSubscriptions(deps.connector))
    return ensurePlatformWebhooks(prisma, target, { ...deps, connector: deps.connector });
  if ("subscribe" in deps.connector) {
    const { action } = await ensureSubscription(prisma, target, {
      ...deps,
      connector: deps.connector as SubscriptionConnector,
    });
    return { outcomes: [{ topic: BUSINESS_CENTRAL_TOPIC, action }], repaired: REPAIRS.includes(action) };
  }
  return { outcomes: [], repaired: false };
}

/**
 * Deleting a connection removes its subscriptions at the platform first (and any other hook of
 * the platform's that still points at the connection's address), so the store stops sending.
 * Best effort: a platform that cannot be reached does not keep the tenant from deleting.
 */
export async function removeConnectionSubscriptions(
  prisma: PrismaClient,
  target: Target,
  deps: { connector: object; appUrl: string },
): Promise<{ removed: number; errors: string[] }> {
  const db = scopeToTenant(prisma, target.tenantId);
  const { notificationUrl } = await loadConnection(db, target.connectionId, deps.appUrl);
  const rows = await db.platformSubscription.findMany({ where: { connectionId: target.connectionId } });
  const errors: string[] = [];
  let removed = 0;
  const attempt = async (run: () => Promise<void>) => {
    try {
      await run();
      removed += 1;
    } catch (error) {
      if (!isGone(error)) errors.push(errorText(error));
    }
  };
  if (hasWebhookSubscriptions(deps.connector)) {
    const api = deps.connector.webhooks;
    const ids = new Set(rows.map((row) => row.externalId).filter(Boolean));
    await api
      .list()
      .then((hooks) => hooks.filter((hook) => hook.address === notificationUrl).forEach((hook) => ids.add(hook.id)))
      .catch((error: unknown) => errors.push(errorText(error)));
    for (const id of ids) await attempt(() => api.remove(id));
  } else if ("unsubscribe" in deps.connector) {
    const connector = deps.connector as SubscriptionConnector;
    for (const row of rows)
      if (row.etag)
        await attempt(() => connector.unsubscribe({ subscriptionId: row.externalId, "@odata.etag": row.etag! }));
  }
  await db.platformSubscription.deleteMany({ where: { connectionId: target.connectionId } });
  return { removed, errors };
}
