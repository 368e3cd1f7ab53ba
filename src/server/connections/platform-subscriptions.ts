import type { PrismaClient } from "@/generated/prisma/client";
import { type BusinessCentralConnector, ConnectorError, NotFoundError } from "@/server/connectors";
import { revealSecret } from "@/server/crypto/secret-store";
import { scopeToTenant, type TenantDb } from "@/server/tenancy/tenant-db";
import { webhookUrl } from "./provider-guides";

/**
 * Business Central webhook subscriptions lapse three days after they are made or renewed, and a
 * lapsed one silently stops notifications. Stockhook makes the subscription itself, keeps its id
 * and etag, and renews it a day before it would lapse; a subscription the platform no longer
 * knows (deleted, or lapsed while Stockhook was down) is made anew, and so is one whose
 * clientState is a signing secret that has since been rotated.
 */
export const RENEW_BEFORE_MS = 24 * 3_600_000;
/** How long the validation handshake is answered after Stockhook starts a subscribe or renew call. */
export const HANDSHAKE_WINDOW_MS = 2 * 60_000;

export type SubscriptionConnector = Pick<BusinessCentralConnector, "subscribe" | "renewSubscription" | "unsubscribe">;
export type EnsureAction = "created" | "renewed" | "replaced" | "current";

/** The secret new subscriptions carry: the newest one that is neither revoked nor being rotated out. */
const CURRENT_SIGNING_SECRET = { purpose: "WEBHOOK_SIGNING", revokedAt: null, expiresAt: null } as const;

/** Business Central sources that should have a live subscription and do not have one good for another day. */
export async function connectionsNeedingSubscription(prisma: PrismaClient, now = new Date()): Promise<{ tenantId: string; connectionId: string }[]> {
  const connections = await prisma.connection.findMany({
    where: { provider: "BUSINESS_CENTRAL", direction: "SOURCE", status: "ACTIVE", webhooksEnabled: true },
    select: {
      id: true,
      tenantId: true,
      platformSubscription: { select: { expiresAt: true, secretId: true } },
      secrets: { where: CURRENT_SIGNING_SECRET, orderBy: { createdAt: "desc" }, take: 1, select: { id: true } },
    },
  });
  return connections
    .filter((c) => !c.platformSubscription || c.platformSubscription.expiresAt.getTime() - now.getTime() < RENEW_BEFORE_MS || c.platformSubscription.secretId !== c.secrets[0]?.id)
    .map((c) => ({ tenantId: c.tenantId, connectionId: c.id }));
}

async function currentSigningSecret(db: TenantDb, connectionId: string) {
  const secret = await db.secret.findFirst({
    where: { connectionId, ...CURRENT_SIGNING_SECRET },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  if (!secret) throw new Error("The connection has no active webhook signing secret to use as Business Central's clientState");
  return { id: secret.id, value: await revealSecret(db, secret.id) };
}

/** The platform no longer has this subscription, or will not accept our etag for it: make a new one. */
const isGone = (error: unknown) => error instanceof NotFoundError || (error instanceof ConnectorError && (error.status === 404 || error.status === 412));

export async function ensureSubscription(
  prisma: PrismaClient,
  target: { tenantId: string; connectionId: string },
  deps: { connector: SubscriptionConnector; appUrl: string; now?: Date },
): Promise<{ action: EnsureAction; expiresAt: Date }> {
  const now = deps.now ?? new Date();
  const db = scopeToTenant(prisma, target.tenantId);
  const connection = await db.connection.findFirstOrThrow({ where: { id: target.connectionId }, select: { id: true, tenant: { select: { slug: true } } } });
  const notificationUrl = webhookUrl(deps.appUrl, connection.tenant.slug, connection.id);
  const existing = await db.platformSubscription.findFirst({ where: { connectionId: target.connectionId } });
  const secret = await currentSigningSecret(db, connection.id);

  // Business Central checks the notification URL during the call; only now is the echo answered.
  await db.connection.update({ where: { id: connection.id }, data: { subscriptionHandshakeUntil: new Date(Date.now() + HANDSHAKE_WINDOW_MS) } });
  try {
    let action: EnsureAction;
    let subscription;
    if (existing && existing.secretId === secret.id && existing.notificationUrl === notificationUrl) {
      if (existing.expiresAt.getTime() - now.getTime() >= RENEW_BEFORE_MS) return { action: "current", expiresAt: existing.expiresAt };
      try {
        subscription = await deps.connector.renewSubscription({ subscriptionId: existing.externalId, "@odata.etag": existing.etag });
        action = "renewed";
      } catch (error) {
        if (!isGone(error)) throw error;
        subscription = await deps.connector.subscribe({ notificationUrl, clientState: secret.value });
        action = "created";
      }
    } else {
      if (existing) {
        // Its clientState is a rotated secret (or it points at an old URL): drop it, best effort.
        await deps.connector.unsubscribe({ subscriptionId: existing.externalId, "@odata.etag": existing.etag }).catch((error: unknown) => {
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
      expiresAt: new Date(subscription.expirationDateTime),
      renewedAt: now,
      lastError: null,
      lastErrorAt: null,
    };
    await db.platformSubscription.upsert({
      where: { connectionId: connection.id },
      create: { tenantId: target.tenantId, connectionId: connection.id, ...fields },
      update: fields,
    });
    return { action, expiresAt: fields.expiresAt };
  } catch (error) {
    if (existing) {
      await db.platformSubscription.update({ where: { id: existing.id }, data: { lastError: (error instanceof Error ? error.message : String(error)).slice(0, 500), lastErrorAt: now } });
    }
    throw error;
  } finally {
    await db.connection.update({ where: { id: connection.id }, data: { subscriptionHandshakeUntil: null } });
  }
}
