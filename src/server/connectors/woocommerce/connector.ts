import "server-only";
import { z } from "zod";
import { type ConnectorHttpOptions, HttpClient } from "../http";
import { type WooCommerceCredentials } from "../credentials";
import { ValidationError } from "../errors";
import { compositeId, parseCompositeId } from "../external-id";
import { scanByOffset } from "../paged-scan";
import { probeConnection, PROBE_POLICY } from "../test-connection";
import {
  type ChannelConnector,
  channelQuantity,
  chunk,
  type ListStockOptions,
  type SourceConnector,
  type SourceStockItem,
  type StockStatus,
  type StockUpdate,
  type WebhookMeta,
} from "../types";
import {
  WOO_API_PREFIX,
  wooBatchResponseSchema,
  type WooProduct,
  wooProductListSchema,
  wooProductSchema,
  type WooVariation,
  wooVariationListSchema,
  wooVariationSchema,
  wooWebhookListSchema,
  wooWebhookSchema,
} from "./schemas";
import { type PlatformWebhook, type WebhookSubscriptionApi } from "../webhook-subscriptions";

export const WOO_PAGE_SIZE = 100;
/** WooCommerce rejects batch requests with more than 100 objects. */
export const WOO_MAX_BATCH = 100;
export const WOO_PRODUCT_TOPICS = new Set(["product.updated", "product.created", "product.restored"]);
/** What Stockhook subscribes to: stock changes, new products, and products leaving or coming back. */
export const WOO_SUBSCRIPTION_TOPICS = [
  "product.created",
  "product.updated",
  "product.deleted",
  "product.restored",
] as const;
const WOO_WEBHOOK_NAME = "Stockhook stock sync";

/** Unmanaged stock has no count; only its in/out flag is meaningful. */
function toItem(row: WooProduct | WooVariation, externalId: string, title: string): SourceStockItem {
  const quantity = row.manage_stock === true ? Math.max(0, row.stock_quantity ?? 0) : 0;
  let status: StockStatus =
    row.stock_status === "outofstock" || (row.manage_stock === true && quantity === 0) ? "OUT_OF_STOCK" : "AVAILABLE";
  if (row.status === "trash") status = "ARCHIVED";
  return { externalId, sku: row.sku, title, quantity, status, updatedAt: row.date_modified_gmt ?? new Date(0) };
}

/** Where a product or variation is read and written, and which batch endpoint takes it. */
function target(externalId: string) {
  const { parentId, childId } = parseCompositeId(externalId, "WooCommerce");
  return childId === undefined
    ? { path: `/products/${parentId}`, batchPath: "/products/batch", id: parentId, isVariation: false }
    : {
        path: `/products/${parentId}/variations/${childId}`,
        batchPath: `/products/${parentId}/variations/batch`,
        id: childId,
        isVariation: true,
      };
}

function stockFields(update: StockUpdate) {
  const quantity = channelQuantity(update);
  return { manage_stock: true, stock_quantity: quantity, stock_status: quantity > 0 ? "instock" : "outofstock" };
}

export type WooCommerceConnector = SourceConnector & ChannelConnector & { webhooks: WebhookSubscriptionApi };

const toWebhook = (row: { id: number; topic: string; delivery_url: string; status: string }): PlatformWebhook => ({
  id: String(row.id),
  topic: row.topic,
  address: row.delivery_url,
  active: row.status === "active",
});

export function createWooCommerceConnector(
  baseUrl: string,
  credentials: WooCommerceCredentials,
  http: ConnectorHttpOptions = {},
): WooCommerceConnector {
  const basic = Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`).toString("base64");
  const keyQuery =
    credentials.authMode === "query"
      ? { consumer_key: credentials.consumerKey, consumer_secret: credentials.consumerSecret }
      : {};
  const client = new HttpClient({
    ...http,
    baseUrl: baseUrl.replace(/\/+$/, "") + WOO_API_PREFIX,
    auth: {
      headers: (): Record<string, string> =>
        credentials.authMode === "basic" ? { authorization: `Basic ${basic}` } : {},
    },
  });
  const get = <T>(path: string, schema: z.ZodType<T>, query: Record<string, string | number | undefined> = {}) =>
    client.request({ method: "GET", path, query: { ...query, ...keyQuery }, schema });
  const write = <T>(method: "PUT" | "POST", path: string, body: unknown, schema: z.ZodType<T>) =>
    // Every write sets absolute stock, so a repeated request leaves the same state.
    client.request({ method, path, body, query: keyQuery, schema, idempotent: true });

  async function variationsOf(product: WooProduct): Promise<SourceStockItem[]> {
    const items: SourceStockItem[] = [];
    for (let page = 1; ; page++) {
      const { data, headers } = await get(`/products/${product.id}/variations`, wooVariationListSchema, {
        per_page: WOO_PAGE_SIZE,
        page,
      });
      items.push(
        ...data.map((variation) =>
          toItem(
            variation,
            compositeId(product.id, variation.id),
            `${product.name} — ${variation.attributes.map((a) => a.option).join(", ")}`,
          ),
        ),
      );
      if (page >= Number(headers.get("x-wp-totalpages") ?? 1) || data.length === 0) return items;
    }
  }

  async function listStock({ cursor, updatedSince }: ListStockOptions = {}) {
    return scanByOffset<WooProduct>(
      {
        perPage: WOO_PAGE_SIZE,
        async fetchRows(offset, limit) {
          const { data, headers } = await get("/products", wooProductListSchema, {
            per_page: limit,
            offset,
            orderby: "id",
            order: "asc",
            modified_after: updatedSince?.toISOString(),
            dates_are_gmt: updatedSince ? "true" : undefined,
          });
          return { rows: data, total: Number(headers.get("x-wp-total") ?? offset + data.length) };
        },
        idOf: (product) => product.id,
        toItems: (product) =>
          product.type === "variable"
            ? variationsOf(product)
            : [toItem(product, compositeId(product.id), product.name)],
      },
      cursor,
    );
  }

  async function batch(
    path: string,
    updates: readonly StockUpdate[],
    idOf: (update: StockUpdate) => number,
  ): Promise<{ calls: number; rejected: { externalId: string; error: string }[] }> {
    const chunks = chunk(updates, WOO_MAX_BATCH);
    const rejected: { externalId: string; error: string }[] = [];
    for (const part of chunks) {
      const { data } = await write(
        "POST",
        path,
        { update: part.map((update) => ({ id: idOf(update), ...stockFields(update) })) },
        wooBatchResponseSchema,
      );
      // WooCommerce takes the rest of a batch when it refuses a row: the refusal belongs to that product only.
      for (const row of data.update) {
        if (!row.error) continue;
        const update = part.find((candidate) => idOf(candidate) === row.id);
        rejected.push({
          externalId: update?.externalId ?? String(row.id),
          error: `WooCommerce refused product ${row.id}: ${row.error.message}`,
        });
      }
    }
    return { calls: chunks.length, rejected };
  }

  const webhooks: WebhookSubscriptionApi = {
    topics: WOO_SUBSCRIPTION_TOPICS,
    requiredScopes:
      "a REST API key with Read/Write permission, made by a user who can manage WooCommerce (Administrator or Shop manager)",
    async list() {
      const found: PlatformWebhook[] = [];
      for (let page = 1; ; page++) {
        const { data, headers } = await get("/webhooks", wooWebhookListSchema, { per_page: WOO_PAGE_SIZE, page });
        found.push(...data.map(toWebhook));
        if (page >= Number(headers.get("x-wp-totalpages") ?? 1) || data.length === 0) return found;
      }
    },
    async create({ topic, address, secret }) {
      // Not idempotent: a repeated POST would make a second webhook.
      const { data } = await client.request({
        method: "POST",
        path: "/webhooks",
        query: keyQuery,
        body: { name: WOO_WEBHOOK_NAME, topic, delivery_url: address, secret, status: "active" },
        schema: wooWebhookSchema,
      });
      return toWebhook(data);
    },
    async update(id, { topic, address, secret }) {
      // Setting status back to active also clears WooCommerce's failure count for the hook.
      const { data } = await write(
        "PUT",
        `/webhooks/${encodeURIComponent(id)}`,
        { topic, delivery_url: address, secret, status: "active" },
        wooWebhookSchema,
      );
      return toWebhook(data);
    },
    async remove(id) {
      await client.request({
        method: "DELETE",
        path: `/webhooks/${encodeURIComponent(id)}`,
        query: { ...keyQuery, force: "true" },
        schema: z.unknown(),
        idempotent: true,
      });
    },
  };

  return {
    provider: "WOOCOMMERCE",
    webhooks,
    listStock,

    async getItem(externalId) {
      const { path, isVariation } = target(externalId);
      if (!isVariation) {
        const { data } = await get(path, wooProductSchema);
        return toItem(data, externalId, data.name);
      }
      const { data } = await get(path, wooVariationSchema);
      return toItem(data, externalId, data.name ?? data.sku);
    },

    async normalizeWebhook(topic: string, payload: unknown, meta: WebhookMeta = {}) {
      if (!WOO_PRODUCT_TOPICS.has(topic)) return [];
      const parsed = wooProductSchema.safeParse(payload);
      if (!parsed.success)
        throw new ValidationError(`WooCommerce webhook "${topic}" has an unexpected shape`, parsed.error.issues);
      const product = parsed.data;
      if (product.type === "variable") return [];
      const externalId =
        product.type === "variation" && product.parent_id
          ? compositeId(product.parent_id, product.id)
          : compositeId(product.id);
      const item = toItem(product, externalId, product.name);
      return [
        {
          externalId,
          sku: item.sku,
          quantity: item.quantity,
          status: item.status,
          reason: "adjustment" as const,
          sourceAt: item.updatedAt,
          eventId: meta.eventId,
        },
      ];
    },

    async setStock(update) {
      await write("PUT", target(update.externalId).path, stockFields(update), z.object({ id: z.number() }).loose());
    },

    async setStockBatch(updates) {
      const byParent = new Map<string, StockUpdate[]>();
      for (const update of updates) {
        const path = target(update.externalId).batchPath;
        const group = byParent.get(path) ?? [];
        group.push(update);
        byParent.set(path, group);
      }
      let calls = 0;
      const rejected: { externalId: string; error: string }[] = [];
      for (const [path, group] of byParent) {
        const result = await batch(path, group, (update) => target(update.externalId).id);
        calls += result.calls;
        rejected.push(...result.rejected);
      }
      return { calls, updated: updates.length - rejected.length, rejected };
    },

    testConnection: () =>
      probeConnection(async () => {
        const { headers } = await client.request({
          method: "GET",
          path: "/products",
          query: { per_page: 1, ...keyQuery },
          schema: wooProductListSchema,
          policy: PROBE_POLICY,
        });
        return `Connected to WooCommerce: ${headers.get("x-wp-total") ?? "?"} products visible to these keys.`;
      }),
  };
}
