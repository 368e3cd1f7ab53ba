import { createHash } from "node:crypto";
import { type BigCommerceInventoryWebhook, type BigCommerceProductJson } from "@/server/connectors/bigcommerce/schemas";
import { type SimItem } from "../catalogue";
import { header, intParam, json, pageOf, parseJson, type ProviderSim, type SimRequest, type SimResponse } from "../http";
import { type SimStore } from "../store";

/**
 * BigCommerce v3 Catalog and Inventory APIs. Every response carries the request-window
 * headers, so a well-behaved client can pause before the store has to answer 429.
 */
export const BIGCOMMERCE_LOCATION_ID = 1;
export const BIGCOMMERCE_WEBHOOK_HEADER = "x-stockhook-token";
const VARIANT_ID_OFFSET = 100_000;
const MAX_LIMIT = 250;
const MAX_ADJUSTMENTS = 2000;

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "+00:00");

export function bigCommerceProduct(store: SimStore, item: SimItem): BigCommerceProductJson & Record<string, unknown> {
  const id = store.externalId(item.index);
  return {
    id,
    name: item.title,
    type: "physical",
    sku: item.sku,
    inventory_level: item.quantity,
    inventory_warning_level: 0,
    inventory_tracking: "product",
    availability: item.state === "archived" ? "disabled" : "available",
    is_visible: item.state !== "archived",
    date_created: iso(item.createdAt),
    date_modified: iso(item.updatedAt),
    variants: [{ id: id + VARIANT_ID_OFFSET, product_id: id, sku: item.sku, inventory_level: item.quantity, option_values: [] }],
  };
}

const problem = (status: number, title: string, extra: Record<string, unknown> = {}): SimResponse =>
  json(status, { status, title, type: "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes", ...extra });

function listProducts(store: SimStore, request: SimRequest): SimResponse {
  const limit = intParam(request.query, "limit", 50, { max: MAX_LIMIT });
  const page = intParam(request.query, "page", 1);
  if (limit === undefined || page === undefined) return problem(422, "The filter(s): limit, page are not valid.");
  const since = request.query.get("date_modified:min");
  const greater = Number(request.query.get("id:greater") ?? request.query.get("id:min") ?? Number.NEGATIVE_INFINITY) + (request.query.has("id:min") ? -1 : 0);
  const indices = store.catalogue
    .indices({ includeArchived: true, modifiedAfterMs: since ? Date.parse(since) - 1 : undefined })
    .filter((index) => store.externalId(index) > greater);
  if (request.query.get("direction") === "desc") indices.reverse();
  const { rows, total, totalPages } = pageOf(indices, page, limit);
  const base = `?limit=${limit}`;
  return json(200, {
    data: rows.map((index) => bigCommerceProduct(store, store.catalogue.item(index) as SimItem)),
    meta: {
      pagination: {
        total,
        count: rows.length,
        per_page: limit,
        current_page: page,
        total_pages: totalPages,
        links: { ...(page > 1 ? { previous: `${base}&page=${page - 1}` } : {}), current: `${base}&page=${page}`, ...(page < totalPages ? { next: `${base}&page=${page + 1}` } : {}) },
      },
    },
  });
}

function itemFor(store: SimStore, entry: Record<string, unknown>): SimItem | undefined {
  if (entry.variant_id !== undefined) return store.itemById(Number(entry.variant_id) - VARIANT_ID_OFFSET);
  return entry.product_id !== undefined ? store.itemById(Number(entry.product_id)) : undefined;
}

function absoluteAdjustment(store: SimStore, body: string): { response: SimResponse; writes: number } {
  const request = (parseJson(body) ?? {}) as { reason?: unknown; items?: unknown };
  const items = Array.isArray(request.items) ? (request.items as Record<string, unknown>[]) : [];
  if (items.length === 0 || items.length > MAX_ADJUSTMENTS) {
    return { response: problem(422, `items must contain between 1 and ${MAX_ADJUSTMENTS} entries.`), writes: 0 };
  }
  const errors: Record<string, string> = {};
  const resolved = items.map((entry, position) => {
    const item = itemFor(store, entry);
    if (entry.location_id !== BIGCOMMERCE_LOCATION_ID) errors[`items.${position}.location_id`] = "Location not found.";
    else if (!item) errors[`items.${position}`] = "Product or variant not found.";
    else if (!Number.isInteger(entry.quantity) || (entry.quantity as number) < 0) errors[`items.${position}.quantity`] = "quantity must be a non-negative integer.";
    return { item, quantity: entry.quantity as number };
  });
  if (Object.keys(errors).length > 0) return { response: problem(422, "Input is invalid", { errors }), writes: 0 };
  for (const { item, quantity } of resolved) if (item) store.catalogue.setQuantity(item.index, quantity);
  return { response: json(200, { transaction_id: crypto.randomUUID() }), writes: resolved.length };
}

export const bigCommerceSim: ProviderSim = {
  provider: "bigcommerce",
  windowed: true,
  route: ([stores, storeId, ...rest]) => (stores === "stores" && storeId ? { storeId, path: `/${rest.join("/")}`, prefix: `/bigcommerce/stores/${storeId}` } : undefined),
  authorize: (store, request) => header(request, "x-auth-token") === store.credentials.token,
  unauthorized: () => problem(401, "Unauthorized: the X-Auth-Token is missing or invalid."),
  unknownStore: () => problem(404, "Store not found."),
  windowHeaders: (verdict, store) => ({
    "x-rate-limit-requests-left": String(verdict.left),
    "x-rate-limit-requests-quota": String(store.controls.rateLimit?.limit ?? 0),
    "x-rate-limit-time-reset-ms": String(verdict.resetMs),
    "x-rate-limit-time-window-ms": String(store.controls.rateLimit?.windowMs ?? 0),
  }),

  handle(store, request) {
    const { method, path } = request;
    if (method === "GET" && path === "/v3/catalog/summary") {
      const live = store.catalogue.indices({ includeArchived: true }).length;
      return { kind: "bigcommerce:catalog.summary", response: json(200, { data: { inventory_count: live, inventory_value: 0, primary_category_id: 0, primary_category_name: "", variant_count: live, highest_variant_price: 0, average_variant_price: 0, lowest_variant_price: "0" }, meta: {} }) };
    }
    if (method === "GET" && path === "/v3/catalog/products") return { kind: "bigcommerce:products.list", response: listProducts(store, request) };
    const one = /^\/v3\/catalog\/products\/(\d+)$/.exec(path);
    if (method === "GET" && one) {
      const item = store.itemById(one[1] ?? "");
      return { kind: "bigcommerce:products.get", response: item ? json(200, { data: bigCommerceProduct(store, item), meta: {} }) : problem(404, "The requested product was not found.") };
    }
    if (method === "PUT" && path === "/v3/inventory/adjustments/absolute") return { kind: "bigcommerce:inventory.absolute", ...absoluteAdjustment(store, request.body) };
    return { kind: "bigcommerce:unknown", response: problem(404, "Not found.") };
  },

  webhook(store, item, { secret }) {
    const productId = store.externalId(item.index);
    const data: BigCommerceInventoryWebhook["data"] = { type: "product", id: productId, inventory: { product_id: productId, method: "absolute", value: item.quantity } };
    const payload: BigCommerceInventoryWebhook = {
      scope: "store/product/inventory/updated",
      store_id: String(1_000_000 + (store.catalogue.seed % 1_000_000)),
      data,
      hash: createHash("sha1").update(JSON.stringify({ ...data, at: Date.now(), nonce: crypto.randomUUID() })).digest("hex"),
      created_at: Math.floor(Date.now() / 1000),
      producer: `stores/${store.id}`,
    };
    // BigCommerce does not sign payloads; the shared secret travels in a header set on the hook.
    return { body: JSON.stringify(payload), headers: { [BIGCOMMERCE_WEBHOOK_HEADER]: secret } };
  },
};
