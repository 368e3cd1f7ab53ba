import "server-only";
import { z } from "zod";
import { type ConnectorHttpOptions, HttpClient, realSleep } from "../http";
import { type PlatformWebhook, type WebhookSubscriptionApi } from "../webhook-subscriptions";
import { type BigCommerceCredentials } from "../credentials";
import { ValidationError } from "../errors";
import { compositeId, parseCompositeId } from "../external-id";
import { decodeKeyset, encodeKeyset } from "../paged-scan";
import { windowGate } from "../rate-limit";
import { probeConnection, PROBE_POLICY } from "../test-connection";
import {
  type ChannelConnector,
  channelQuantity,
  chunk,
  type ListStockOptions,
  type SourceConnector,
  type SourceStockItem,
  statusForQuantity,
  type StockUpdate,
  type WebhookMeta,
} from "../types";
import {
  absoluteAdjustmentResponseSchema,
  bigCommerceHookListSchema,
  bigCommerceHookResponseSchema,
  type BigCommerceProduct,
  catalogSummarySchema,
  inventoryWebhookSchema,
  productPageSchema,
  productResponseSchema,
} from "./schemas";

export const BIGCOMMERCE_PAGE_SIZE = 250;
/** The absolute adjustments endpoint takes at most 2000 items per request. */
export const BIGCOMMERCE_MAX_ADJUSTMENTS = 2000;

/**
 * Stock set in the control panel or by the API (absolute) and stock taken by orders (relative),
 * for products and for variants (BigCommerce calls a variant a SKU).
 */
export const BIGCOMMERCE_SUBSCRIPTION_SCOPES = [
  "store/product/inventory/updated",
  "store/sku/inventory/updated",
  "store/product/inventory/order/updated",
  "store/sku/inventory/order/updated",
] as const;
/** BigCommerce signs nothing: each hook carries this header with the connection's secret. */
export const BIGCOMMERCE_SECRET_HEADER = "X-Stockhook-Token";
export const BIGCOMMERCE_HOOK_PAGE_SIZE = 250;

const toWebhook = (hook: { id: number; scope: string; destination: string; is_active: boolean }): PlatformWebhook => ({
  id: String(hook.id),
  topic: hook.scope,
  address: hook.destination,
  active: hook.is_active,
});

function item(
  product: BigCommerceProduct,
  externalId: string,
  sku: string,
  title: string,
  level: number,
): SourceStockItem {
  // Untracked inventory is always purchasable; there is no count to report.
  const quantity = product.inventory_tracking === "none" ? 0 : Math.max(0, level);
  return {
    externalId,
    sku,
    title,
    quantity,
    status: product.inventory_tracking === "none" ? "AVAILABLE" : statusForQuantity(quantity, false),
    updatedAt: new Date(product.date_modified),
  };
}

function productToItems(product: BigCommerceProduct): SourceStockItem[] {
  if (product.inventory_tracking !== "variant")
    return [item(product, compositeId(product.id), product.sku, product.name, product.inventory_level)];
  return product.variants.map((variant) =>
    item(
      product,
      compositeId(product.id, variant.id),
      variant.sku,
      `${product.name} — ${variant.option_values.map((v) => v.label).join(", ")}`,
      variant.inventory_level,
    ),
  );
}

export type BigCommerceConnector = SourceConnector & ChannelConnector & { webhooks: WebhookSubscriptionApi };

export function createBigCommerceConnector(
  baseUrl: string,
  credentials: BigCommerceCredentials,
  http: ConnectorHttpOptions = {},
): BigCommerceConnector {
  const sleep = http.deps?.sleep ?? realSleep;
  const client = new HttpClient({
    ...http,
    baseUrl: `${baseUrl.replace(/\/+$/, "")}/stores/${credentials.storeHash}/v3`,
    auth: { headers: () => ({ "x-auth-token": credentials.accessToken }) },
    hooks: windowGate(
      { left: "x-rate-limit-requests-left", resetMs: "x-rate-limit-time-reset-ms" },
      sleep,
      http.deps?.now,
    ),
  });

  async function adjust(updates: readonly StockUpdate[]) {
    const items = updates.map((update) => {
      const { parentId, childId } = parseCompositeId(update.externalId, "BigCommerce");
      const target = childId === undefined ? { product_id: parentId } : { variant_id: childId };
      return {
        location_id: update.locationId ? Number(update.locationId) : credentials.locationId,
        ...target,
        quantity: channelQuantity(update),
      };
    });
    // Absolute levels: repeating the request sets the same quantities.
    await client.request({
      method: "PUT",
      path: "/inventory/adjustments/absolute",
      body: { reason: "Stockhook sync", items },
      schema: absoluteAdjustmentResponseSchema,
      idempotent: true,
    });
  }

  const webhooks: WebhookSubscriptionApi = {
    topics: BIGCOMMERCE_SUBSCRIPTION_SCOPES,
    requiredScopes:
      "an API account with the Products scope (read-only or modify) and Information & Settings (read-only) for webhooks",
    async list() {
      const found: PlatformWebhook[] = [];
      for (let page = 1; ; page++) {
        const { data } = await client.request({
          method: "GET",
          path: "/hooks",
          query: { page, limit: BIGCOMMERCE_HOOK_PAGE_SIZE },
          schema: bigCommerceHookListSchema,
        });
        found.push(...data.data.map(toWebhook));
        const totalPages = data.meta?.pagination?.total_pages ?? 1;
        if (page >= totalPages || data.data.length === 0) return found;
      }
    },
    async create({ topic, address, secret }) {
      const { data } = await client.request({
        method: "POST",
        path: "/hooks",
        body: {
          scope: topic,
          destination: address,
          is_active: true,
          events_history_enabled: true,
          headers: { [BIGCOMMERCE_SECRET_HEADER]: secret },
        },
        schema: bigCommerceHookResponseSchema,
      });
      return toWebhook(data.data);
    },
    async update(id, { address, secret }) {
      const { data } = await client.request({
        method: "PUT",
        path: `/hooks/${encodeURIComponent(id)}`,
        body: { destination: address, is_active: true, headers: { [BIGCOMMERCE_SECRET_HEADER]: secret } },
        schema: bigCommerceHookResponseSchema,
        idempotent: true,
      });
      return toWebhook(data.data);
    },
    async remove(id) {
      await client.request({
        method: "DELETE",
        path: `/hooks/${encodeURIComponent(id)}`,
        schema: z.unknown(),
        idempotent: true,
      });
    },
  };

  return {
    provider: "BIGCOMMERCE",
    webhooks,

    async listStock({ cursor, updatedSince }: ListStockOptions = {}) {
      const after = decodeKeyset(cursor);
      // Always page 1 after the last id seen: page numbers shift when products come and go.
      const { data } = await client.request({
        method: "GET",
        path: "/catalog/products",
        query: {
          include: "variants",
          limit: BIGCOMMERCE_PAGE_SIZE,
          page: 1,
          sort: "id",
          direction: "asc",
          "id:greater": after,
          "date_modified:min": updatedSince?.toISOString(),
        },
        schema: productPageSchema,
      });
      const last = data.data.at(-1);
      return {
        items: data.data.flatMap(productToItems),
        nextCursor: last && data.meta.pagination.total_pages > 1 ? encodeKeyset(last.id) : null,
      };
    },

    async getItem(externalId) {
      const { parentId, childId } = parseCompositeId(externalId, "BigCommerce");
      const { data } = await client.request({
        method: "GET",
        path: `/catalog/products/${parentId}`,
        query: { include: "variants" },
        schema: productResponseSchema,
      });
      const items = productToItems(data.data);
      const found =
        items.find((candidate) => candidate.externalId === externalId) ??
        (childId === undefined ? items[0] : undefined);
      if (!found) throw new ValidationError(`BigCommerce product ${parentId} has no variant ${childId}`, []);
      return found;
    },

    async normalizeWebhook(topic: string, payload: unknown, meta: WebhookMeta = {}) {
      const parsed = inventoryWebhookSchema.safeParse(payload);
      if (!parsed.success)
        throw new ValidationError(`BigCommerce webhook "${topic}" has an unexpected shape`, parsed.error.issues);
      const { data, hash, created_at } = parsed.data;
      // Relative changes carry a delta, not a level; the reconcile fetches the level instead.
      if (data.inventory.method !== "absolute") return [];
      const quantity = Math.max(0, data.inventory.value);
      return [
        {
          externalId: compositeId(
            data.inventory.product_id,
            data.type === "sku" ? data.inventory.variant_id : undefined,
          ),
          quantity,
          status: statusForQuantity(quantity, false),
          reason: "adjustment" as const,
          sourceAt: new Date(created_at * 1000),
          eventId: meta.eventId ?? hash,
        },
      ];
    },

    setStock: (update) => adjust([update]),

    async setStockBatch(updates) {
      const batches = chunk(updates, BIGCOMMERCE_MAX_ADJUSTMENTS);
      for (const batch of batches) await adjust(batch);
      return { calls: batches.length, updated: updates.length };
    },

    testConnection: () =>
      probeConnection(async () => {
        const { data } = await client.request({
          method: "GET",
          path: "/catalog/summary",
          schema: catalogSummarySchema,
          policy: PROBE_POLICY,
        });
        return `Connected to BigCommerce store ${credentials.storeHash}: ${data.data.variant_count} variants.`;
      }),
  };
}
