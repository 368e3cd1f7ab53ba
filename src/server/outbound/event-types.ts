import { createHash } from "node:crypto";
import { z } from "zod";
import type { ItemStatus } from "@/generated/prisma/client";

/**
 * The events Stockhook tells tenants about, and the JSON every delivery carries. Payloads are
 * versioned (`version`); a field is only ever added within a version, never renamed or removed.
 */
export const OUTBOUND_EVENT_TYPES = [
  "inventory.updated",
  "item.sold",
  "product.synced",
  "sync.failed",
  "sync.completed",
] as const;
export type OutboundEventType = (typeof OUTBOUND_EVENT_TYPES)[number];

/** Sent only by "Send test event", to one endpoint, whatever it subscribes to. */
export const TEST_EVENT_TYPE = "webhook.test";

export const PAYLOAD_VERSION = 1;

export const EVENT_TYPE_DESCRIPTIONS: Record<OutboundEventType, string> = {
  "inventory.updated": "An item's sellable quantity or status changed (webhook or reconcile), with before and after",
  "item.sold": "An item became Sold (a one-of-a-kind piece sold at a source)",
  "product.synced": "A storefront confirmed an item's stock after a push",
  "sync.failed": "A storefront push gave up after its retries, or a reconcile run failed",
  "sync.completed": "A reconcile run or drift check finished, with its counts",
};

export interface ItemRef {
  id: string;
  sku: string;
  title: string;
}

export interface StockState {
  quantity: number;
  status: ItemStatus;
}

export interface SourceRef {
  kind: "webhook" | "reconcile";
  connectionId: string;
  webhookEventId?: string;
  syncRunId?: string;
}

export interface OutboundEventData {
  "inventory.updated": { item: ItemRef; before: StockState; after: StockState; itemVersion: number; source: SourceRef };
  "item.sold": { item: ItemRef; before: StockState; after: StockState; source: SourceRef };
  "product.synced": {
    item: ItemRef;
    channel: { connectionId: string; name: string; externalId: string };
    quantity: number;
    status: ItemStatus;
    pushedAt: string;
    webhookEventId?: string;
    syncRunId?: string;
  };
  "sync.failed":
    | {
        kind: "push";
        item: ItemRef;
        channel: { connectionId: string; name: string };
        reason: string;
        webhookEventId?: string;
        syncRunId?: string;
      }
    | {
        kind: "reconcile";
        syncRunId: string;
        connection: { id: string; name: string; direction: "SOURCE" | "CHANNEL" };
        reason: string;
      };
  "sync.completed": {
    syncRunId: string;
    connection: { id: string; name: string; direction: "SOURCE" | "CHANNEL" };
    trigger: string;
    mode: string;
    pages: number;
    itemsScanned: number;
    itemsChanged: number;
    itemsCreated: number;
    itemsVanished: number;
    errorCount: number;
    startedAt: string;
    finishedAt: string;
  };
  "webhook.test": { message: string; endpointId: string };
}

/** What is stored and sent: the envelope every receiver parses first. */
export interface OutboundPayload<T extends keyof OutboundEventData = keyof OutboundEventData> {
  id: string;
  type: T;
  version: typeof PAYLOAD_VERSION;
  timestamp: string;
  tenant: { id: string; slug: string };
  data: OutboundEventData[T];
}

/**
 * The envelope as it crosses the queue (the Inngest event outbound/event.created) and reaches the
 * fan-out: every field a receiver parses first, with `data` kept as sent. One schema for both
 * ends, so the event and the stored payload cannot drift apart.
 */
export const outboundEnvelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  version: z.literal(PAYLOAD_VERSION),
  timestamp: z.string().min(1),
  tenant: z.object({ id: z.string().min(1), slug: z.string().min(1) }),
  data: z.record(z.string(), z.unknown()),
});
export type OutboundEnvelope = z.infer<typeof outboundEnvelopeSchema>;

/**
 * A stable id made from what the event is about (say, an item's version number), so a retried
 * step or a re-sent Inngest event names the same event and is delivered once, not twice.
 */
export function outboundEventId(type: string, ...about: (string | number)[]): string {
  const digest = createHash("sha256")
    .update([type, ...about].join("\u0000"))
    .digest("base64url");
  return `evt_${digest.slice(0, 27)}`;
}

export function isOutboundEventType(value: string): value is OutboundEventType {
  return (OUTBOUND_EVENT_TYPES as readonly string[]).includes(value);
}
