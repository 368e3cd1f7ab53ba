import { after } from "next/server";
import { env } from "@/env";
import { applyOnArrival } from "@/inngest/apply-and-push";
import { inngest } from "@/inngest/client";
import { webhookBatched, webhookReceived } from "@/inngest/event-schemas";
import { configuredKeyring } from "@/server/crypto/secret-store";
import { db, fastPathDb } from "@/server/db";
import { logFor, requestIdOf, withLogContext } from "@/server/logger";
import { countArrivalAttempt, observeWebhookAnswer, type DeliverySeen } from "@/server/metrics/observe";
import { recordHandOver } from "@/server/pipeline/sweeper";
import { createArrivalAttempts } from "./arrival-attempts";
import { ConnectionDirectory } from "./connection-directory";
import { createHandOver } from "./hand-over";
import { ingestWebhook, type IncomingDelivery, type IngestDeps } from "./ingest";
import { KnownSourceAddresses } from "./known-sources";
import { RateLimiter, SharedRateLimiter } from "./rate-limiter";
import { SigningSecretCache } from "./signing-secrets";
import { TenantLanes } from "./tenant-lanes";

let deps: IngestDeps | undefined;

/**
 * How long after an attempt on arrival starts its delivery's Inngest run is scheduled: an attempt is
 * a source read at most, the apply and one storefront call cut at 2 s, so by then the run finds the
 * delivery final, or takes over from an attempt that failed or died with its process.
 */
const ARRIVAL_RUN_DELAY_MS = 5_000;

/** The ingestion dependencies of this process, created once. */
function ingestDeps(): IngestDeps {
  if (deps) return deps;
  const settings = env();
  const perSecond = settings.WEBHOOK_RATE_LIMIT_PER_SECOND;
  const perSource = settings.WEBHOOK_RATE_LIMIT_PER_SOURCE_PER_SECOND;
  const refusalsPerMinute = settings.WEBHOOK_REFUSALS_PER_SOURCE_PER_MINUTE;
  // A tenant delivering faster than the threshold is applied in batches; everyone else's
  // deliveries take the fast path, a separate function, so they never queue behind a burst.
  const lanes = new TenantLanes({ thresholdPerSecond: settings.WEBHOOK_BATCH_THRESHOLD_PER_SECOND, holdMs: 5_000 });
  const handOver = createHandOver({
    laneOf: (tenantId) => lanes.lane(tenantId),
    ...(settings.WEBHOOK_ARRIVAL_ATTEMPTS > 0
      ? {
          attemptOnArrival: createArrivalAttempts({
            attempt: applyOnArrival,
            inFlightLimit: settings.WEBHOOK_ARRIVAL_ATTEMPTS,
            count: countArrivalAttempt,
            onError: (error, message) =>
              logFor({ area: "webhooks", tenantId: message.tenantId }).warn(
                { error: error instanceof Error ? error.message : String(error), eventId: message.webhookEventId },
                "could not apply on arrival; the delivery's Inngest run takes it over",
              ),
          }),
          runAfterArrivalMs: ARRIVAL_RUN_DELAY_MS,
        }
      : {}),
    // The event id is a WebhookEvent id, so a re-send by the sweeper is deduplicated by Inngest.
    send: async (events) => {
      await inngest.send(
        events.map((event) =>
          event.lane === "batch"
            ? webhookBatched.create(
                { tenantId: event.tenantId, webhookEventIds: event.webhookEventIds },
                { id: event.id },
              )
            : webhookReceived.create(
                {
                  tenantId: event.message.tenantId,
                  connectionId: event.message.connectionId,
                  webhookEventId: event.message.webhookEventId,
                  itemKey: event.message.itemKey,
                },
                { id: event.id, ...(event.runAt ? { ts: event.runAt } : {}) },
              ),
        ),
      );
    },
    recordHandOver: (handOver) => recordHandOver(db, handOver),
    onRecordFailure: (error, handOver) =>
      logFor({ area: "webhooks" }).warn(
        {
          error: error instanceof Error ? error.message : String(error),
          handOverId: handOver.id,
          events: handOver.webhookEventIds.length,
        },
        "handed over, but could not record with which event; the sweeper may send these again on their own",
      ),
  });
  deps = {
    prisma: db,
    connections: new ConnectionDirectory(db),
    secrets: new SigningSecretCache(db, configuredKeyring),
    // Bursts of 5 seconds' worth: a bulk edit on the platform sends its webhooks in a rush. Counted
    // in PostgreSQL so every instance shares it; the embedded PGlite runs in one process only,
    // where the bucket alone is exact.
    rateLimiter: settings.DATABASE_URL
      ? new SharedRateLimiter(new RateLimiter(perSecond, perSecond * 5), db, {
          perSecond,
          burst: perSecond * 5,
          keyPrefix: "webhook_connection",
        })
      : new RateLimiter(perSecond, perSecond * 5),
    sourceLimiter: new RateLimiter(perSource, perSource * 2),
    rejectionLimiter: new RateLimiter(refusalsPerMinute / 60, refusalsPerMinute),
    knownSources: new KnownSourceAddresses(db),
    quietStore: { isQuiet: (tenantId) => !lanes.isBatched(tenantId), prisma: fastPathDb },
    bodyTimeoutMs: settings.WEBHOOK_BODY_TIMEOUT_MS,
    sendEvent: handOver,
    defer: after,
  };
  return deps;
}

/** Makes this process look a connection up again on its next delivery (after it was edited here). */
export function forgetWebhookConnection(connectionId: string): void {
  deps?.connections.forget(connectionId);
  deps?.secrets.invalidate(connectionId);
}

/** How many proxies in front append to X-Forwarded-For (source-address.ts). */
export function trustedProxyHops(): number {
  return env().TRUSTED_PROXY_HOPS;
}

export async function handleWebhook(incoming: IncomingDelivery) {
  const startedAt = performance.now();
  const seen: DeliverySeen = {};
  const bindings = {
    area: "webhooks",
    requestId: requestIdOf(incoming.headers),
    tenantSlug: incoming.tenantSlug.slice(0, 60),
    connectionId: incoming.connectionId.slice(0, 60),
  };
  const log = logFor(bindings);
  try {
    // The context reaches the lines of modules the delivery passes through (connectors, mail).
    const answer = await withLogContext(bindings, () =>
      ingestWebhook({ ...ingestDeps(), log: (line, ids) => log.info({ ...ids }, line) }, incoming, seen),
    );
    return observeWebhookAnswer(seen, startedAt, answer);
  } catch (error) {
    // Nothing was acknowledged: the platform retries later, and nothing half-written remains
    // because every write above is a single statement or one transaction.
    log.error({ error: error instanceof Error ? error.message : String(error) }, "could not take the delivery");
    return observeWebhookAnswer(seen, startedAt, {
      status: 503,
      body: JSON.stringify({ error: "Temporarily unavailable, retry later" }),
      contentType: "application/json",
      headers: { "retry-after": "30" },
    });
  }
}
