import { env } from "@/env";
import { inngest } from "@/inngest/client";
import { webhookReceived } from "@/inngest/events";
import { configuredKeyring } from "@/server/crypto/secret-store";
import { db } from "@/server/db";
import { ingestWebhook, type IncomingDelivery, type IngestDeps } from "./ingest";
import { RateLimiter } from "./rate-limiter";
import { SigningSecretCache } from "./signing-secrets";

let deps: IngestDeps | undefined;

/** The ingestion dependencies of this process, created once. */
function ingestDeps(): IngestDeps {
  const perSecond = env().WEBHOOK_RATE_LIMIT_PER_SECOND;
  deps ??= {
    prisma: db,
    secrets: new SigningSecretCache(db, configuredKeyring),
    rateLimiter: new RateLimiter(perSecond, perSecond * 2),
    // The event id is the WebhookEvent id, so a re-send by the sweeper is deduplicated by Inngest.
    sendEvent: async (message) => {
      await inngest.send(webhookReceived.create({ tenantId: message.tenantId, connectionId: message.connectionId, webhookEventId: message.webhookEventId, itemKey: message.itemKey }, { id: message.id }));
    },
  };
  return deps;
}

export async function handleWebhook(incoming: IncomingDelivery) {
  try {
    return await ingestWebhook(ingestDeps(), incoming);
  } catch (error) {
    // Nothing was acknowledged: the platform retries later, and nothing half-written remains
    // because every write above is a single statement or one transaction.
    console.error("[webhooks] could not take the delivery:", error instanceof Error ? error.message : error);
    return { status: 503, body: JSON.stringify({ error: "Temporarily unavailable, retry later" }), contentType: "application/json", headers: { "retry-after": "30" } };
  }
}
