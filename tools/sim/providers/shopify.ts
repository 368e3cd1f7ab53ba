import {
  SHOPIFY_API_VERSION,
  type ShopifyInventoryLevelWebhook,
  type ShopifyVariant,
} from "@/server/connectors/shopify/schemas";
import { type SimItem } from "../catalogue";
import { type Handled, header, hmacSha256, json, parseJson, type ProviderSim, type SimResponse } from "../http";
import { type SimStore } from "../store";
import { addHook, hooksOf } from "../subscriptions";

/**
 * Shopify's Admin GraphQL API, for the handful of operations Stockhook sends. There is no
 * GraphQL engine here: the root field is recognised in the query text and a fixed selection
 * (a superset of what Stockhook asks for) is returned, metered by query cost like the real API.
 */
export const SHOPIFY_LOCATION_ID = 70_000_001;
const VARIANT_ID_OFFSET = -1_000_000;
const MAX_FIRST = 250;
const MAX_QUANTITIES = 250;

const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;
const numericId = (value: unknown) => Number(String(value).split("/").pop());

function variant(store: SimStore, item: SimItem): ShopifyVariant {
  const inventoryItemId = store.externalId(item.index);
  return {
    id: gid("ProductVariant", inventoryItemId + VARIANT_ID_OFFSET),
    sku: item.sku,
    title: "Default Title",
    displayName: `${item.title} - Default Title`,
    updatedAt: item.updatedAt.toISOString(),
    inventoryQuantity: item.quantity,
    product: { title: item.title, status: item.state === "archived" ? "ARCHIVED" : "ACTIVE" },
    inventoryItem: { id: gid("InventoryItem", inventoryItemId) },
  };
}

const cursorOf = (index: number) => Buffer.from(JSON.stringify({ last_id: index })).toString("base64");
function indexOf(cursor: unknown): number {
  if (typeof cursor !== "string") return -1;
  const parsed = parseJson(Buffer.from(cursor, "base64").toString("utf8")) as { last_id?: unknown } | undefined;
  return typeof parsed?.last_id === "number" ? parsed.last_id : Number.NaN;
}

/** The API version a request named; `unstable` counts as the newest. */
interface CallContext {
  version: string;
}
type Operation = {
  field: string;
  cost: number;
  run: (
    store: SimStore,
    variables: Record<string, unknown>,
    context: CallContext,
  ) => { data?: unknown; errors?: unknown[]; writes?: number };
};

/** From 2026-04, inventorySetQuantities is compare-and-set: every quantity quotes changeFromQuantity. */
const COMPARE_AND_SET_FROM = "2026-04";
const WEBHOOK_TOPICS = new Set([
  "INVENTORY_LEVELS_UPDATE",
  "INVENTORY_LEVELS_CONNECT",
  "INVENTORY_LEVELS_DISCONNECT",
  "PRODUCTS_UPDATE",
  "PRODUCTS_CREATE",
  "PRODUCTS_DELETE",
  "ORDERS_CREATE",
]);
const accessDenied = (what: string) => ({
  errors: [
    {
      message: `Access denied for ${what} field. Required access: the app's access scopes for the topic's resource.`,
      extensions: { code: "ACCESS_DENIED" },
    },
  ],
});

function subscriptionJson(hook: { id: number; topic: string; address: string; createdAt: Date; updatedAt: Date }) {
  return {
    id: gid("WebhookSubscription", hook.id),
    topic: hook.topic,
    uri: hook.address,
    format: "JSON",
    createdAt: hook.createdAt.toISOString(),
    updatedAt: hook.updatedAt.toISOString(),
  };
}

function validUri(value: unknown): boolean {
  try {
    return /^https?:$/.test(new URL(String(value)).protocol);
  } catch {
    return false;
  }
}

function webhookSubscriptions(store: SimStore, variables: Record<string, unknown>) {
  if (store.controls.denyWebhookApi) return accessDenied("webhookSubscriptions");
  const first = Number(variables.first ?? 50);
  const after =
    typeof variables.after === "string" ? Number(Buffer.from(variables.after, "base64").toString("utf8")) : 0;
  const all = [...hooksOf(store).values()].filter((hook) => hook.id > after);
  const nodes = all.slice(0, first);
  const last = nodes.at(-1);
  return {
    data: {
      webhookSubscriptions: {
        nodes: nodes.map(subscriptionJson),
        pageInfo: {
          hasNextPage: all.length > first,
          endCursor: last ? Buffer.from(String(last.id)).toString("base64") : null,
        },
      },
    },
  };
}

function webhookSubscriptionCreate(store: SimStore, variables: Record<string, unknown>) {
  if (store.controls.denyWebhookApi) return accessDenied("webhookSubscriptionCreate");
  const input = (variables.webhookSubscription ?? {}) as { uri?: unknown; callbackUrl?: unknown };
  const uri = input.uri ?? input.callbackUrl;
  const userErrors: { field: string[]; message: string }[] = [];
  if (typeof variables.topic !== "string" || !WEBHOOK_TOPICS.has(variables.topic))
    userErrors.push({ field: ["topic"], message: "Topic is invalid" });
  if (!validUri(uri)) userErrors.push({ field: ["webhookSubscription", "uri"], message: "Address is invalid" });
  else if ([...hooksOf(store).values()].some((hook) => hook.topic === variables.topic && hook.address === uri))
    userErrors.push({
      field: ["webhookSubscription", "uri"],
      message: "Address for this topic has already been taken",
    });
  if (userErrors.length) return { data: { webhookSubscriptionCreate: { webhookSubscription: null, userErrors } } };
  const hook = addHook(store, { topic: String(variables.topic), address: String(uri), secret: "", headers: {} });
  return { data: { webhookSubscriptionCreate: { webhookSubscription: subscriptionJson(hook), userErrors: [] } } };
}

function webhookSubscriptionUpdate(store: SimStore, variables: Record<string, unknown>) {
  if (store.controls.denyWebhookApi) return accessDenied("webhookSubscriptionUpdate");
  const hook = hooksOf(store).get(numericId(variables.id));
  const input = (variables.webhookSubscription ?? {}) as { uri?: unknown; callbackUrl?: unknown };
  const uri = input.uri ?? input.callbackUrl;
  if (!hook)
    return {
      data: {
        webhookSubscriptionUpdate: {
          webhookSubscription: null,
          userErrors: [{ field: ["id"], message: "Webhook subscription does not exist" }],
        },
      },
    };
  if (uri !== undefined && !validUri(uri))
    return {
      data: {
        webhookSubscriptionUpdate: {
          webhookSubscription: null,
          userErrors: [{ field: ["webhookSubscription", "uri"], message: "Address is invalid" }],
        },
      },
    };
  if (uri !== undefined) hook.address = String(uri);
  hook.updatedAt = new Date();
  return { data: { webhookSubscriptionUpdate: { webhookSubscription: subscriptionJson(hook), userErrors: [] } } };
}

function webhookSubscriptionDelete(store: SimStore, variables: Record<string, unknown>) {
  if (store.controls.denyWebhookApi) return accessDenied("webhookSubscriptionDelete");
  const id = numericId(variables.id);
  if (!hooksOf(store).delete(id))
    return {
      data: {
        webhookSubscriptionDelete: {
          deletedWebhookSubscriptionId: null,
          userErrors: [{ field: ["id"], message: "Webhook subscription does not exist" }],
        },
      },
    };
  return {
    data: {
      webhookSubscriptionDelete: { deletedWebhookSubscriptionId: gid("WebhookSubscription", id), userErrors: [] },
    },
  };
}

const availableAt = (item: SimItem, locationId: unknown) =>
  numericId(locationId) === SHOPIFY_LOCATION_ID
    ? { quantities: [{ name: "available", quantity: item.quantity }] }
    : null;

/** `nodes(ids:)` for inventory items, each with its level at `$locationId`. */
function nodes(store: SimStore, variables: Record<string, unknown>) {
  const ids = Array.isArray(variables.ids) ? variables.ids : [];
  if (ids.length > MAX_FIRST)
    return {
      errors: [
        {
          message: `The input array size of ${ids.length} is greater than the maximum allowed of ${MAX_FIRST}.`,
          extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
        },
      ],
    };
  return {
    data: {
      nodes: ids.map((id) => {
        const item = String(id).startsWith("gid://shopify/InventoryItem/") ? store.itemById(numericId(id)) : undefined;
        return item
          ? {
              id: gid("InventoryItem", store.externalId(item.index)),
              inventoryLevel: availableAt(item, variables.locationId),
            }
          : null;
      }),
    },
  };
}

function productVariants(store: SimStore, variables: Record<string, unknown>) {
  const first = Number(variables.first ?? 50);
  if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST)
    return { errors: [{ message: `first must be between 1 and ${MAX_FIRST}`, extensions: { code: "BAD_REQUEST" } }] };
  const after = indexOf(variables.after ?? undefined);
  if (Number.isNaN(after))
    return { errors: [{ message: "Invalid cursor for current pagination", extensions: { code: "BAD_REQUEST" } }] };
  const since = /updated_at:>'?([^'\s]+)'?/.exec(String(variables.query ?? ""))?.[1];
  const sinceMs = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
  const nodes: ShopifyVariant[] = [];
  let last = after;
  let hasNextPage = false;
  for (const item of store.catalogue.live(after + 1)) {
    if (item.updatedAt.getTime() <= sinceMs) continue;
    if (nodes.length === first) {
      hasNextPage = true;
      break;
    }
    nodes.push(variant(store, item));
    last = item.index;
  }
  return {
    data: {
      productVariants: {
        nodes,
        pageInfo: { hasNextPage, hasPreviousPage: after >= 0, endCursor: nodes.length ? cursorOf(last) : null },
      },
    },
  };
}

function inventorySetQuantities(store: SimStore, variables: Record<string, unknown>, context: CallContext) {
  const input = (variables.input ?? {}) as {
    name?: unknown;
    reason?: unknown;
    quantities?: unknown;
    ignoreCompareQuantity?: unknown;
  };
  const compareAndSet = context.version === "unstable" || context.version >= COMPARE_AND_SET_FROM;
  const quantities = Array.isArray(input.quantities) ? (input.quantities as Record<string, unknown>[]) : [];
  if (quantities.length > MAX_QUANTITIES) {
    return {
      errors: [
        {
          message: `The input array size of ${quantities.length} is greater than the maximum allowed of ${MAX_QUANTITIES}.`,
          extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
        },
      ],
    };
  }
  const userErrors: { field: string[]; message: string; code: string }[] = [];
  if (input.name !== "available" && input.name !== "on_hand")
    userErrors.push({
      field: ["input", "name"],
      message: "The quantity name must be either 'available' or 'on_hand'.",
      code: "INVALID_NAME",
    });
  if (typeof input.reason !== "string" || input.reason === "")
    userErrors.push({ field: ["input", "reason"], message: "The reason is invalid.", code: "INVALID_REASON" });
  if (compareAndSet && input.ignoreCompareQuantity !== undefined) {
    return {
      errors: [
        {
          message:
            "InventorySetQuantitiesInput does not accept ignoreCompareQuantity from 2026-04; quote changeFromQuantity.",
          extensions: { code: "argumentNotAccepted" },
        },
      ],
    };
  }
  const changes: { item: SimItem; quantity: number }[] = [];
  quantities.forEach((entry, position) => {
    const item = store.itemById(numericId(entry.inventoryItemId));
    const field = (name: string) => ["input", "quantities", String(position), name];
    if (!item)
      userErrors.push({
        field: field("inventoryItemId"),
        message: "The specified inventory item could not be found.",
        code: "INVALID_INVENTORY_ITEM",
      });
    else if (numericId(entry.locationId) !== SHOPIFY_LOCATION_ID)
      userErrors.push({
        field: field("locationId"),
        message: "The specified location could not be found.",
        code: "INVALID_LOCATION",
      });
    else if (!Number.isInteger(entry.quantity) || (entry.quantity as number) < 0)
      userErrors.push({ field: field("quantity"), message: "The quantity is invalid.", code: "INVALID_QUANTITY" });
    else if (compareAndSet && !Number.isInteger(entry.changeFromQuantity))
      userErrors.push({
        field: field("changeFromQuantity"),
        message: "changeFromQuantity is required.",
        code: "INVALID",
      });
    else if (compareAndSet && entry.changeFromQuantity !== item.quantity) {
      userErrors.push({
        field: field("changeFromQuantity"),
        message: "The specified compare quantity does not match the current quantity.",
        code: "CHANGE_FROM_QUANTITY_STALE",
      });
    } else changes.push({ item, quantity: entry.quantity as number });
  });
  if (userErrors.length > 0)
    return { data: { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors } } };
  const deltas = changes.map(({ item, quantity }) => ({
    name: input.name,
    delta: quantity - item.quantity,
    quantityAfterChange: null,
    item: { id: gid("InventoryItem", store.externalId(item.index)) },
  }));
  for (const { item, quantity } of changes) store.catalogue.setQuantity(item.index, quantity);
  return {
    data: {
      inventorySetQuantities: { inventoryAdjustmentGroup: { reason: input.reason, changes: deltas }, userErrors: [] },
    },
    writes: changes.length,
  };
}

const OPERATIONS: Operation[] = [
  { field: "inventorySetQuantities", cost: 10, run: inventorySetQuantities },
  { field: "webhookSubscriptionCreate", cost: 10, run: webhookSubscriptionCreate },
  { field: "webhookSubscriptionUpdate", cost: 10, run: webhookSubscriptionUpdate },
  { field: "webhookSubscriptionDelete", cost: 10, run: webhookSubscriptionDelete },
  { field: "webhookSubscriptions", cost: 5, run: webhookSubscriptions },
  { field: "productVariants", cost: 0, run: productVariants },
  {
    field: "inventoryItem",
    cost: 3,
    run: (store, variables) => {
      const item = store.itemById(numericId(variables.id));
      return {
        data: {
          inventoryItem: item
            ? {
                id: gid("InventoryItem", store.externalId(item.index)),
                variant: variant(store, item),
                inventoryLevel: availableAt(item, variables.locationId),
              }
            : null,
        },
      };
    },
  },
  {
    field: "locations",
    cost: 2,
    run: () => ({
      data: {
        locations: { nodes: [{ id: gid("Location", SHOPIFY_LOCATION_ID), name: "Main warehouse", isActive: true }] },
      },
    }),
  },
  // Last: other queries select `nodes { … }` inside their root field.
  { field: "nodes", cost: 5, run: nodes },
  {
    field: "shop",
    cost: 1,
    run: (store) => ({
      data: { shop: { name: `Simulated ${store.id}`, myshopifyDomain: `${store.id}.myshopify.com` } },
    }),
  },
];

/** Connections cost roughly one point per node requested, plus the connection itself. */
function costOf(operation: Operation, variables: Record<string, unknown>): number {
  return operation.field === "productVariants" ? 2 + Number(variables.first ?? 50) : operation.cost;
}

function graphql(store: SimStore, body: string, context: CallContext): Handled {
  const request = parseJson(body) as { query?: unknown; variables?: Record<string, unknown> } | undefined;
  const query = typeof request?.query === "string" ? request.query.replace(/fragment[\s\S]*$/, "") : "";
  const operation = OPERATIONS.find((candidate) => new RegExp(`\\b${candidate.field}\\b\\s*[({]`).test(query));
  if (!operation)
    return {
      kind: "shopify:graphql.invalid",
      response: json(200, {
        errors: [{ message: "Unsupported query in simulator", extensions: { code: "BAD_REQUEST" } }],
      }),
    };
  const variables = request?.variables ?? {};
  const requestedQueryCost = costOf(operation, variables);
  const { allowed, status } = store.takeCost(requestedQueryCost);
  const cost = (actualQueryCost: number | null) => ({
    cost: { requestedQueryCost, actualQueryCost, throttleStatus: status },
  });
  if (!allowed) {
    const response: SimResponse = json(200, {
      errors: [
        {
          message: "Throttled",
          extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
        },
      ],
      extensions: cost(null),
    });
    return { kind: "shopify:throttled", response };
  }
  const { writes, ...result } = operation.run(store, variables, context);
  return {
    kind: `shopify:${operation.field}`,
    response: json(200, { ...result, extensions: cost(requestedQueryCost) }),
    writes,
  };
}

export const shopifySim: ProviderSim = {
  provider: "shopify",
  windowed: false,
  route: ([storeId, ...rest]) =>
    storeId ? { storeId, path: `/${rest.join("/")}`, prefix: `/shopify/${storeId}` } : undefined,
  authorize: (store, request) => header(request, "x-shopify-access-token") === store.credentials.token,
  unauthorized: () =>
    json(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }),
  unknownStore: () => json(404, { errors: "Not Found" }),

  handle(store, request) {
    const version = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/.exec(request.path)?.[1];
    if (request.method === "POST" && version) return graphql(store, request.body, { version });
    return { kind: "shopify:unknown", response: json(404, { errors: "Not Found" }) };
  },

  webhook(store, item, { secret }) {
    const inventoryItemId = store.externalId(item.index);
    const payload: ShopifyInventoryLevelWebhook = {
      inventory_item_id: inventoryItemId,
      location_id: SHOPIFY_LOCATION_ID,
      available: item.quantity,
      updated_at: item.updatedAt.toISOString().replace(/\.\d{3}Z$/, "-00:00"),
      admin_graphql_api_id: `gid://shopify/InventoryLevel/${SHOPIFY_LOCATION_ID}?inventory_item_id=${inventoryItemId}`,
    };
    const body = JSON.stringify(payload);
    return {
      body,
      headers: {
        "x-shopify-topic": "inventory_levels/update",
        "x-shopify-hmac-sha256": hmacSha256(secret, body, "base64"),
        "x-shopify-shop-domain": `${store.id}.myshopify.com`,
        "x-shopify-api-version": SHOPIFY_API_VERSION,
        "x-shopify-webhook-id": crypto.randomUUID(),
        "x-shopify-event-id": crypto.randomUUID(),
        "x-shopify-triggered-at": new Date().toISOString(),
      },
      topic: "INVENTORY_LEVELS_UPDATE",
    };
  },
};
