import { env } from "@/env";
import type { Prisma, PrismaClient } from "@/generated/prisma/client";
import { appendAudit } from "@/server/audit/audit-log";
import { countOutboundGivenUp, observeOutboundAttempt } from "@/server/metrics/observe";
import { scopeToTenant, type TenantDb } from "@/server/tenancy/tenant-db";
import { liveSecrets } from "./endpoints";
import { TEST_EVENT_TYPE, type OutboundEnvelope, type OutboundPayload } from "./event-types";
import { postSigned, type HttpOutcome } from "./http-delivery";
import { signedHeaders } from "./signing";
import { clipText } from "@/shared/clip-text";
import type { Resolver, UrlPolicy } from "@/server/network/url-safety";

/**
 * The durable delivery function's steps as plain functions: record an event and the deliveries
 * it needs, make one attempt of one delivery, give up after the last. Each attempt is stored
 * (status, latency, the start of the answer); the delivery row keeps the latest.
 */

/** An endpoint whose deliveries have failed without a single success for this long is switched off. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3_600_000;

/**
 * Waits between attempts: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over about
 * 27.6 hours. OUTBOUND_WEBHOOKS_RETRY_DELAYS (seconds, comma separated) replaces it, for tests.
 */
export const DEFAULT_RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18_000, 36_000, 36_000];

export function retryDelaysSeconds(source: { OUTBOUND_WEBHOOKS_RETRY_DELAYS?: string } = env()): number[] {
  const configured = source.OUTBOUND_WEBHOOKS_RETRY_DELAYS?.trim();
  if (!configured) return DEFAULT_RETRY_DELAYS_SECONDS;
  return configured.split(",").map((part) => Number(part.trim()));
}

export interface DeliveryRef {
  tenantId: string;
  deliveryId: string;
  endpointId: string;
}

/**
 * Stores an event and one PENDING delivery per enabled endpoint subscribed to its type. An event
 * nobody subscribes to is not stored. Safe to repeat: the event id and (endpoint, event) are unique.
 */
export async function recordOutboundEvent(prisma: PrismaClient, payload: OutboundEnvelope): Promise<DeliveryRef[]> {
  const db = scopeToTenant(prisma, payload.tenant.id);
  const endpoints = await db.webhookEndpoint.findMany({
    where: { enabled: true, eventTypes: { has: payload.type } },
    select: { id: true },
  });
  if (endpoints.length === 0) return [];
  await db.outboundEvent.createMany({
    data: [
      {
        id: payload.id,
        tenantId: db.tenantId,
        type: payload.type,
        payload: payload as unknown as Prisma.InputJsonValue,
        createdAt: new Date(payload.timestamp),
      },
    ],
    skipDuplicates: true,
  });
  await db.outboundDelivery.createMany({
    data: endpoints.map((endpoint) => ({ tenantId: db.tenantId, endpointId: endpoint.id, eventId: payload.id })),
    skipDuplicates: true,
  });
  const deliveries = await db.outboundDelivery.findMany({
    where: { eventId: payload.id, endpointId: { in: endpoints.map((e) => e.id) }, state: "PENDING", attempts: 0 },
    select: { id: true, endpointId: true },
  });
  return deliveries.map((delivery) => ({
    tenantId: db.tenantId,
    deliveryId: delivery.id,
    endpointId: delivery.endpointId,
  }));
}

/** A test event for one endpoint, whatever it subscribes to; returns the delivery to run. */
export async function createTestDelivery(
  db: TenantDb,
  endpointId: string,
  tenantSlug: string,
  id: string,
  now = new Date(),
): Promise<DeliveryRef> {
  const payload: OutboundPayload<typeof TEST_EVENT_TYPE> = {
    id,
    type: TEST_EVENT_TYPE,
    version: 1,
    timestamp: now.toISOString(),
    tenant: { id: db.tenantId, slug: tenantSlug },
    data: {
      message: "A test event from Stockhook: if your receiver verified this signature, it is set up.",
      endpointId,
    },
  };
  await db.outboundEvent.create({
    data: {
      id,
      tenantId: db.tenantId,
      type: TEST_EVENT_TYPE,
      payload: payload as unknown as Prisma.InputJsonValue,
      createdAt: now,
    },
  });
  const delivery = await db.outboundDelivery.create({
    data: { tenantId: db.tenantId, endpointId, eventId: id },
    select: { id: true },
  });
  return { tenantId: db.tenantId, deliveryId: delivery.id, endpointId };
}

export type AttemptResult =
  | { final: true; outcome: "delivered"; status: number; attempt: number }
  | {
      final: true;
      outcome: "gone" | "endpoint-disabled" | "endpoint-failing-3-days" | "not-found";
      status: number | null;
      attempt: number;
      error?: string;
    }
  | { final: false; outcome: "failed"; status: number | null; attempt: number; error: string };

export interface AttemptOptions {
  policy: UrlPolicy;
  resolve?: Resolver;
  timeoutMs?: number;
  /** A person asked for this delivery (test event, resend): it goes even to a disabled endpoint. */
  manual?: boolean;
  now?: Date;
}

function failureText(outcome: HttpOutcome): string {
  if (outcome.error) return outcome.error;
  return `HTTP ${outcome.status}`;
}

/** Stockhook switched the endpoint off: say why in the row and in the audit trail, for the tenant. */
async function disableEndpoint(db: TenantDb, endpointId: string, reason: string, action: string) {
  await db.webhookEndpoint.updateMany({ where: { id: endpointId }, data: { enabled: false, disabledReason: reason } });
  // A system action: no person acted.
  await appendAudit(db, { userId: null }, { action, target: `webhook_endpoint:${endpointId}`, summary: { reason } });
}

export async function attemptDelivery(
  prisma: PrismaClient,
  ref: DeliveryRef,
  options: AttemptOptions,
): Promise<AttemptResult> {
  const now = options.now ?? new Date();
  const db = scopeToTenant(prisma, ref.tenantId);
  const delivery = await db.outboundDelivery.findFirst({
    where: { id: ref.deliveryId },
    select: {
      id: true,
      attempts: true,
      event: { select: { id: true, type: true, payload: true } },
      endpoint: { select: { id: true, url: true, enabled: true, failingSince: true } },
    },
  });
  if (!delivery) return { final: true, outcome: "not-found", status: null, attempt: 0 };
  const attempt = delivery.attempts + 1;
  const manual = options.manual || delivery.event.type === TEST_EVENT_TYPE;
  if (!delivery.endpoint.enabled && !manual) {
    await db.outboundDelivery.update({
      where: { id: delivery.id },
      data: { state: "FAILED", error: "the endpoint is disabled" },
    });
    return { final: true, outcome: "endpoint-disabled", status: null, attempt: delivery.attempts };
  }

  const body = JSON.stringify(delivery.event.payload);
  const headers = {
    ...signedHeaders(await liveSecrets(db, delivery.endpoint.id, now), delivery.event.id, body, now),
    "content-type": "application/json",
    "user-agent": "Stockhook-Webhooks/1",
  };
  const result = await postSigned(delivery.endpoint.url, body, headers, {
    policy: options.policy,
    resolve: options.resolve,
    timeoutMs: options.timeoutMs,
  });
  observeOutboundAttempt(result);
  const succeeded = result.status !== null && result.status >= 200 && result.status < 300 && !result.error;
  const error = succeeded ? null : failureText(result);
  const finishedAt = new Date(now.getTime() + result.latencyMs);

  await db.outboundAttempt.create({
    data: {
      tenantId: db.tenantId,
      deliveryId: delivery.id,
      attempt,
      responseStatus: result.status,
      latencyMs: result.latencyMs,
      responseBody: result.body,
      error,
      createdAt: finishedAt,
    },
  });
  await db.outboundDelivery.update({
    where: { id: delivery.id },
    data: {
      attempts: attempt,
      responseStatus: result.status,
      latencyMs: result.latencyMs,
      responseBody: result.body,
      error,
      lastAttemptAt: finishedAt,
      ...(succeeded ? { state: "SUCCEEDED", deliveredAt: finishedAt } : { state: "PENDING" }),
    },
  });

  if (succeeded) {
    await db.webhookEndpoint.updateMany({
      where: { id: delivery.endpoint.id, failingSince: { not: null } },
      data: { failingSince: null },
    });
    return { final: true, outcome: "delivered", status: result.status!, attempt };
  }
  if (result.status === 410) {
    await db.outboundDelivery.update({ where: { id: delivery.id }, data: { state: "FAILED" } });
    await disableEndpoint(
      db,
      delivery.endpoint.id,
      "The receiver answered 410 Gone: it asked for no more deliveries",
      "webhook_endpoint.disabled_gone",
    );
    return { final: true, outcome: "gone", status: 410, attempt };
  }
  const failingSince = delivery.endpoint.failingSince ?? now;
  if (!delivery.endpoint.failingSince)
    await db.webhookEndpoint.updateMany({
      where: { id: delivery.endpoint.id, failingSince: null },
      data: { failingSince: now },
    });
  if (now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS && delivery.endpoint.enabled) {
    await db.outboundDelivery.update({ where: { id: delivery.id }, data: { state: "FAILED" } });
    await disableEndpoint(
      db,
      delivery.endpoint.id,
      clipText(`Every delivery failed for 3 days (since ${failingSince.toISOString()}); last error: ${error}`, 500),
      "webhook_endpoint.disabled_failing",
    );
    return { final: true, outcome: "endpoint-failing-3-days", status: result.status, attempt, error: error! };
  }
  return { final: false, outcome: "failed", status: result.status, attempt, error: error! };
}

/** After the last attempt (or when the function itself fails): the delivery is FAILED, with its last error. */
export async function giveUpDelivery(prisma: PrismaClient, ref: DeliveryRef, reason?: string) {
  const failed = await scopeToTenant(prisma, ref.tenantId).outboundDelivery.updateMany({
    where: { id: ref.deliveryId, state: "PENDING" },
    data: { state: "FAILED", ...(reason ? { error: clipText(reason, 500) } : {}) },
  });
  countOutboundGivenUp(failed.count);
}
