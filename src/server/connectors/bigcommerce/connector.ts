import { type ConnectorHttpOptions, HttpClient, realSleep } from "../http";
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
  type BigCommerceProduct,
  catalogSummarySchema,
  inventoryWebhookSchema,
  productPageSchema,
  productResponseSchema,
} from "./schemas";

export const BIGCOMMERCE_PAGE_SIZE = 250;
/** The absolute adjustments endpoint takes at most 2000 items per request. */
export const BIGCOMMERCE_MAX_ADJUSTMENTS = 2000;

function item(product: BigCommerceProduct, externalId: string, sku: string, title: string, level: number): SourceStockItem {
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
  if (product.inventory_tracking !== "variant") return [item(product, compositeId(product.id), product.sku, product.name, product.inventory_level)];
  return product.variants.map((variant) =>
    item(product, compositeId(product.id, variant.id), variant.sku, `${product.name} — ${variant.option_values.map((v) => v.label).join(", ")}`, variant.inventory_level),
  );
}

export function createBigCommerceConnector(baseUrl: string, credentials: BigCommerceCredentials, http: ConnectorHttpOptions = {}): SourceConnector & ChannelConnector {
  const sleep = http.deps?.sleep ?? realSleep;
  const client = new HttpClient({
    ...http,
    baseUrl: `${baseUrl.replace(/\/+$/, "")}/stores/${credentials.storeHash}/v3`,
    auth: { headers: () => ({ "x-auth-token": credentials.accessToken }) },
    hooks: windowGate({ left: "x-rate-limit-requests-left", resetMs: "x-rate-limit-time-reset-ms" }, sleep, http.deps?.now),
  });

  async function adjust(updates: readonly StockUpdate[]) {
    const items = updates.map((update) => {
      const { parentId, childId } = parseCompositeId(update.externalId, "BigCommerce");
      const target = childId === undefined ? { product_id: parentId } : { variant_id: childId };
      return { location_id: update.locationId ? Number(update.locationId) : credentials.locationId, ...target, quantity: channelQuantity(update) };
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

  return {
    provider: "BIGCOMMERCE",

    async listStock({ cursor, updatedSince }: ListStockOptions = {}) {
      const after = decodeKeyset(cursor);
      // Always page 1 after the last id seen: page numbers shift when products come and go.
      const { data } = await client.request({
        method: "GET",
        path: "/catalog/products",
        query: { include: "variants", limit: BIGCOMMERCE_PAGE_SIZE, page: 1, sort: "id", direction: "asc", "id:greater": after, "date_modified:min": updatedSince?.toISOString() },
        schema: productPageSchema,
      });
      const last = data.data.at(-1);
      return { items: data.data.flatMap(productToItems), nextCursor: last && data.meta.pagination.total_pages > 1 ? encodeKeyset(last.id) : null };
    },

    async getItem(externalId) {
      const { parentId, childId } = parseCompositeId(externalId, "BigCommerce");
      const { data } = await client.request({ method: "GET", path: `/catalog/products/${parentId}`, query: { include: "variants" }, schema: productResponseSchema });
      const items = productToItems(data.data);
      const found = items.find((candidate) => candidate.externalId === externalId) ?? (childId === undefined ? items[0] : undefined);
      if (!found) throw new ValidationError(`BigCommerce product ${parentId} has no variant ${childId}`, []);
      return found;
    },

    async normalizeWebhook(topic: string, payload: unknown, meta: WebhookMeta = {}) {
      const parsed = inventoryWebhookSchema.safeParse(payload);
      if (!parsed.success) throw new ValidationError(`BigCommerce webhook "${topic}" has an unexpected shape`, parsed.error.issues);
      const { data, hash, created_at } = parsed.data;
      // Relative changes carry a delta, not a level; the reconcile fetches the level instead.
      if (data.inventory.method !== "absolute") return [];
      const quantity = Math.max(0, data.inventory.value);
      return [
        {
          externalId: compositeId(data.inventory.product_id, data.type === "sku" ? data.inventory.variant_id : undefined),
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
        const { data } = await client.request({ method: "GET", path: "/catalog/summary", schema: catalogSummarySchema, policy: PROBE_POLICY });
        return `Connected to BigCommerce store ${credentials.storeHash}: ${data.data.variant_count} variants.`;
      }),
  };
}
