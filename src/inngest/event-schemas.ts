import { eventType } from "inngest";
import { z } from "zod";
import { MAX_DELIVERIES_PER_BATCHED_EVENT } from "@/server/inbound/hand-over";
import { outboundEnvelopeSchema } from "@/server/outbound/event-types";

/**
 * Every event the pipeline sends or listens to, with its payload schema. The SDK validates
 * payloads against these at run time, so a malformed event fails loudly where it is sent.
 */
const delivery = z.object({
  tenantId: z.string().min(1),
  webhookEventId: z.string().min(1),
  connectionId: z.string().min(1),
  /** The apply function's per-item concurrency key (src/server/pipeline/item-key.ts); older events lack it. */
  itemKey: z.string().min(1).optional(),
});

/** A stored delivery to apply on its own (the fast path: a quiet tenant's sale). */
export const webhookReceived = eventType("stock/webhook.received", { schema: delivery });

/**
 * Stored deliveries of one tenant, applied in a batch with its others: sent for a tenant delivering
 * faster than WEBHOOK_BATCH_THRESHOLD_PER_SECOND (several deliveries gathered into one event), for
 * the sweeper's re-sends and for bulk replays (one each).
 */
export const webhookBatched = eventType("stock/webhook.batched", {
  schema: z.object({
    tenantId: z.string().min(1),
    webhookEventIds: z.array(z.string().min(1)).min(1).max(MAX_DELIVERIES_PER_BATCHED_EVENT),
  }),
});

export const reconcileRequested = eventType("stock/reconcile.requested", {
  schema: z.object({
    tenantId: z.string().min(1),
    connectionId: z.string().min(1),
    mode: z.enum(["full", "incremental"]),
    trigger: z.enum(["SCHEDULE", "MANUAL", "WEBHOOK"]),
  }),
});

/** Someone pressed Cancel on a running reconcile: its Inngest run stops at the next step boundary. */
export const reconcileCancelled = eventType("stock/reconcile.cancelled", {
  schema: z.object({
    tenantId: z.string().min(1),
    connectionId: z.string().min(1),
    syncRunId: z.string().min(1),
  }),
});

export const channelPush = eventType("stock/channel.push", {
  schema: z.object({
    tenantId: z.string().min(1),
    itemId: z.string().min(1),
    connectionId: z.string().min(1),
    externalId: z.string().min(1),
    syncRunId: z.string().min(1).optional(),
    webhookEventId: z.string().min(1).optional(),
    /** The push row written before the event was sent (webhook pushes); reconcile pushes find theirs. */
    pushId: z.string().min(1).optional(),
    /** Sent by a replay: its attempts are marked as such. */
    replay: z.boolean().optional(),
    /** The fast path made the first attempt: go on from this attempt number, not before `at`. */
    resume: z.object({ number: z.number().int().min(1), at: z.string().datetime() }).optional(),
  }),
});

/**
 * Many push rows to ONE storefront (the batched apply path): sent as one bulk call per chunk of the
 * platform's limit by push-channel-batch, each row keeping its own outcome and attempts.
 */
export const channelPushBatch = eventType("stock/channel.push-batch", {
  schema: z.object({
    tenantId: z.string().min(1),
    connectionId: z.string().min(1),
    pushIds: z.array(z.string().min(1)).min(1),
    /** Sent by a replay: its attempts are marked as such. */
    replay: z.boolean().optional(),
  }),
});

export const pipelineProbeRequested = eventType("system/pipeline-probe.requested", {
  schema: z.object({ probeId: z.string().min(1) }),
});

export const subscriptionEnsureRequested = eventType("connection/subscription.ensure", {
  schema: z.object({ tenantId: z.string().min(1), connectionId: z.string().min(1) }),
});

/** Something tenants may subscribe to happened (src/server/outbound/event-types.ts); fanned out to their endpoints. */
export const outboundEventCreated = eventType("outbound/event.created", {
  schema: z.object({ payload: outboundEnvelopeSchema }),
});

/** One event to one endpoint; `manual` for a test event or a resend, which go even to a disabled endpoint. */
export const outboundDeliveryRequested = eventType("outbound/delivery.requested", {
  schema: z.object({
    tenantId: z.string().min(1),
    deliveryId: z.string().min(1),
    endpointId: z.string().min(1),
    manual: z.boolean().optional(),
  }),
});
