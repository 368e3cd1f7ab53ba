import { type WooProductJson } from "@/server/connectors/woocommerce/schemas";
import { type SimItem } from "../catalogue";
import { basicAuth, hmacSha256, intParam, json, pageOf, parseJson, type ProviderSim, type SimRequest, type SimResponse } from "../http";
import { type SimStore } from "../store";

/** WooCommerce REST API v3: page-numbered product lists, single and batch updates, consumer keys. */
const MAX_PER_PAGE = 100;
const MAX_BATCH = 100;
const ORDERINGS = new Set(["date", "id", "modified", "title"]);

const gmt = (date: Date) => date.toISOString().slice(0, 19);

export function wooProduct(store: SimStore, item: SimItem): WooProductJson & Record<string, unknown> {
  const id = store.externalId(item.index);
  return {
    id,
    name: item.title,
    slug: item.sku.toLowerCase(),
    permalink: `https://${store.id}.example/product/${item.sku.toLowerCase()}/`,
    date_created: gmt(item.createdAt),
    date_created_gmt: gmt(item.createdAt),
    date_modified: gmt(item.updatedAt),
    date_modified_gmt: gmt(item.updatedAt),
    type: "simple",
    status: item.state === "archived" ? "trash" : item.state === "reserved" ? "private" : "publish",
    sku: item.sku,
    price: "",
    parent_id: 0,
    manage_stock: true,
    stock_quantity: item.quantity,
    stock_status: item.quantity > 0 ? "instock" : "outofstock",
    backorders: "no",
    sold_individually: item.unique,
    variations: [],
  };
}

const error = (status: number, code: string, message: string): SimResponse => json(status, { code, message, data: { status } });

function listProducts(store: SimStore, request: SimRequest): SimResponse {
  const perPage = intParam(request.query, "per_page", 10, { max: MAX_PER_PAGE });
  const page = intParam(request.query, "page", 1);
  const orderby = request.query.get("orderby") ?? "date";
  const order = request.query.get("order") ?? "desc";
  if (perPage === undefined || page === undefined || !ORDERINGS.has(orderby) || (order !== "asc" && order !== "desc")) {
    return error(400, "rest_invalid_param", "Invalid parameter(s): per_page, page, orderby or order");
  }
  const after = request.query.get("modified_after");
  const modifiedAfterMs = after ? Date.parse(after.endsWith("Z") ? after : `${after}Z`) : undefined;
  // Trashed products are not listed unless asked for, as in WooCommerce. Creation order is id order.
  const indices = store.catalogue.indices({ modifiedAfterMs });
  if (orderby === "title" || orderby === "modified") {
    const key = (index: number): number | string => {
      const item = store.catalogue.item(index);
      return orderby === "title" ? (item?.title ?? "") : (item?.updatedAt.getTime() ?? 0);
    };
    indices.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      return x < y ? -1 : x > y ? 1 : a - b;
    });
  }
  if (order === "desc") indices.reverse();
  // `offset` overrides `page`, as in WordPress.
  const offset = intParam(request.query, "offset", -1, { min: 0 });
  const { rows, total, totalPages } = offset !== undefined && offset >= 0 ? { rows: indices.slice(offset, offset + perPage), total: indices.length, totalPages: Math.ceil(indices.length / perPage) } : pageOf(indices, page, perPage);
  const pageRows = rows.map((index) => store.catalogue.item(index)).filter((item): item is SimItem => item !== undefined);
  const link = (p: number, rel: string) => `<${request.origin}${request.prefix}/wp-json/wc/v3/products?page=${p}&per_page=${perPage}>; rel="${rel}"`;
  const links = [page > 1 ? link(page - 1, "prev") : "", page < totalPages ? link(page + 1, "next") : ""].filter(Boolean).join(", ");
  return json(
    200,
    pageRows.map((item) => wooProduct(store, item)),
    { "x-wp-total": String(total), "x-wp-totalpages": String(totalPages), ...(links ? { link: links } : {}) },
  );
}

interface StockPatch {
  manage_stock?: unknown;
  stock_quantity?: unknown;
  stock_status?: unknown;
}

/** Applies the stock fields of a product update; returns an error message when they are invalid. */
function applyStock(store: SimStore, item: SimItem, patch: StockPatch): SimItem | string {
  if (patch.stock_quantity === undefined) return item;
  if (!Number.isInteger(patch.stock_quantity)) return "stock_quantity must be an integer";
  return store.catalogue.setQuantity(item.index, patch.stock_quantity as number) ?? item;
}

function updateOne(store: SimStore, id: string, body: string): { response: SimResponse; writes: number } {
  const item = store.itemById(id);
  if (!item) return { response: error(404, "woocommerce_rest_product_invalid_id", "Invalid ID."), writes: 0 };
  const result = applyStock(store, item, (parseJson(body) ?? {}) as StockPatch);
  if (typeof result === "string") return { response: error(400, "rest_invalid_param", result), writes: 0 };
  return { response: json(200, wooProduct(store, result)), writes: 1 };
}

function batch(store: SimStore, body: string): { response: SimResponse; writes: number } {
  const request = (parseJson(body) ?? {}) as { create?: unknown[]; update?: (StockPatch & { id?: unknown })[]; delete?: unknown[] };
  const size = (request.create?.length ?? 0) + (request.update?.length ?? 0) + (request.delete?.length ?? 0);
  if (size > MAX_BATCH) return { response: error(413, "woocommerce_rest_request_entity_too_large", `Unable to accept more than ${MAX_BATCH} items for this request.`), writes: 0 };
  let writes = 0;
  const update = (request.update ?? []).map((patch) => {
    const item = store.itemById(Number(patch.id));
    if (!item) return { id: Number(patch.id) || 0, error: { code: "woocommerce_rest_product_invalid_id", message: "Invalid ID.", data: { status: 400 } } };
    const result = applyStock(store, item, patch);
    if (typeof result === "string") return { id: store.externalId(item.index), error: { code: "rest_invalid_param", message: result, data: { status: 400 } } };
    writes += 1;
    return wooProduct(store, result);
  });
  return { response: json(200, { update }), writes };
}

export const wooCommerceSim: ProviderSim = {
  provider: "woocommerce",
  windowed: true,
  route: ([storeId, ...rest]) => (storeId ? { storeId, path: `/${rest.join("/")}`, prefix: `/woocommerce/${storeId}` } : undefined),
  isPublic: (request) => request.path === "/wp-json/wc/v3" || request.path === "/wp-json",
  authorize(store, request) {
    const basic = basicAuth(request);
    const key = basic?.user ?? request.query.get("consumer_key");
    const secret = basic?.password ?? request.query.get("consumer_secret");
    return key === store.credentials.key && secret === store.credentials.secret;
  },
  unauthorized: () => error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
  unknownStore: () => error(404, "rest_no_route", "No route was found matching the URL and request method."),

  handle(store, request) {
    const { method, path } = request;
    if (path === "/wp-json/wc/v3" || path === "/wp-json") return { kind: "woocommerce:index", response: json(200, { namespace: "wc/v3", routes: {} }) };
    if (method === "GET" && path === "/wp-json/wc/v3/products") return { kind: "woocommerce:products.list", response: listProducts(store, request) };
    if (method === "POST" && path === "/wp-json/wc/v3/products/batch") return { kind: "woocommerce:products.batch", ...batch(store, request.body) };
    const one = /^\/wp-json\/wc\/v3\/products\/(\d+)(\/variations)?$/.exec(path);
    if (one?.[2] && method === "GET") {
      // Every simulated product is simple, so it has no variations, as WooCommerce answers.
      const exists = store.itemById(one[1] ?? "");
      return { kind: "woocommerce:variations.list", response: exists ? json(200, [], { "x-wp-total": "0", "x-wp-totalpages": "0" }) : error(404, "woocommerce_rest_product_invalid_id", "Invalid ID.") };
    }
    if (one && method === "GET") {
      const found = store.itemById(one[1] ?? "");
      return { kind: "woocommerce:products.get", response: found ? json(200, wooProduct(store, found)) : error(404, "woocommerce_rest_product_invalid_id", "Invalid ID.") };
    }
    if (one && (method === "PUT" || method === "POST" || method === "PATCH")) return { kind: "woocommerce:products.update", ...updateOne(store, one[1] ?? "", request.body) };
    return { kind: "woocommerce:unknown", response: error(404, "rest_no_route", "No route was found matching the URL and request method.") };
  },

  webhook(store, item, { secret, origin }) {
    const body = JSON.stringify(wooProduct(store, item));
    const deliveries = ((store.extra.get("woo:deliveries") as number | undefined) ?? 0) + 1;
    store.extra.set("woo:deliveries", deliveries);
    return {
      body,
      headers: {
        "x-wc-webhook-source": `${origin}/woocommerce/${store.id}/`,
        "x-wc-webhook-topic": "product.updated",
        "x-wc-webhook-resource": "product",
        "x-wc-webhook-event": "updated",
        "x-wc-webhook-signature": hmacSha256(secret, body, "base64"),
        "x-wc-webhook-id": "1",
        "x-wc-webhook-delivery-id": String(deliveries),
      },
    };
  },
};
