import { PAYLOAD_VERSION, type OutboundEventType, type OutboundPayload } from "./event-types";

const item = { id: "cm_item_example", sku: "ART-0007", title: "Harbour at dusk (oil on canvas)" };
const source = { kind: "webhook" as const, connectionId: "cm_connection_sam", webhookEventId: "cm_event_example" };
const run = {
  syncRunId: "cm_syncrun_example",
  connection: { id: "cm_connection_shop", name: "Prints store (Shopify)", direction: "CHANNEL" as const },
};

/** What each event's `data` looks like, with made-up but realistic values. */
const SAMPLE_DATA: { [T in OutboundEventType]: OutboundPayload<T>["data"] } = {
  "inventory.updated": {
    item,
    before: { quantity: 1, status: "AVAILABLE" },
    after: { quantity: 0, status: "SOLD" },
    itemVersion: 12,
    source,
  },
  "item.sold": { item, before: { quantity: 1, status: "AVAILABLE" }, after: { quantity: 0, status: "SOLD" }, source },
  "product.synced": {
    item,
    channel: { connectionId: "cm_connection_shop", name: "Prints store (Shopify)", externalId: "gid://shopify/1" },
    quantity: 0,
    status: "SOLD",
    pushedAt: "2026-01-15T10:42:03.120Z",
    webhookEventId: "cm_event_example",
  },
  "sync.failed": {
    kind: "push",
    item,
    channel: { connectionId: "cm_connection_shop", name: "Prints store (Shopify)" },
    reason: "Shopify answered 503 seven times in a row; the push gave up.",
    webhookEventId: "cm_event_example",
  },
  "sync.completed": {
    ...run,
    trigger: "SCHEDULE",
    mode: "FULL",
    pages: 3,
    itemsScanned: 412,
    itemsChanged: 2,
    itemsCreated: 0,
    itemsVanished: 0,
    errorCount: 0,
    startedAt: "2026-01-15T03:00:00.000Z",
    finishedAt: "2026-01-15T03:00:41.500Z",
  },
};

/** The whole envelope a receiver gets for `type`, as shown beside each event on the Webhooks page. */
export function samplePayload(type: OutboundEventType, tenant: { id: string; slug: string }): OutboundPayload {
  return {
    id: "evt_example0000000000000000000",
    type,
    version: PAYLOAD_VERSION,
    timestamp: "2026-01-15T10:42:03.000Z",
    tenant,
    data: SAMPLE_DATA[type],
  } as OutboundPayload;
}
