import { type WooProductJson } from "@/server/connectors/woocommerce/schemas";
import { type SimItem } from "../catalogue";
import {
  basicAuth,
  type Handled,
  hmacSha256,
  intParam,
  json,
  pageOf,
  parseJson,
  type ProviderSim,
  type SimRequest,
  type SimResponse,
} from "../http";
import { type SimStore } from "../store";
import { addHook, hooksOf, setHookActive, type SimHook } from "../subscriptions";
import { parentOf, variableProductAt, variantsOf } from "../variants";

/** WooCommerce REST API v3: page-numbered product lists, single and batch updates, consumer keys. */
const MAX_PER_PAGE = 100;
const MAX_BATCH = 100;
const ORDERINGS = new Set(["date", "id", "modified", "title"]);

const gmt = (date: Date) => date.toISOString().slice(0, 19);

export function wooProduct(store: SimStore, item: SimItem): WooProductJson & Record<string, unknown> {
  const id = store.externalId(item.index);
  const variable = variableProductAt(store, item.index);
  if (variable) {
    // Stock lives on the variations; the parent only says whether any is in stock.
    const variations = variantsOf(store, variable);
    const latest = variations.reduce(
      (max, variation) => (variation.updatedAt > max ? variation.updatedAt : max),
      item.updatedAt,
    );
    return {
      ...wooSimpleProduct(store, { ...item, updatedAt: latest }, id),
      type: "variable",
      manage_stock: false,
      stock_quantity: null,
      stock_status: variations.some((v) => v.quantity > 0) ? "instock" : "outofstock",
      variations: variations.map((v) => store.externalId(v.index)),
    };
  }
  const parent = parentOf(store, item);
  if (parent) return wooVariation(store, item, parent.parentIndex);
  return wooSimpleProduct(store, item, id);
}

/** A variation as `/products/<id>/variations` and a variation's webhook show it. */
export function wooVariation(
  store: SimStore,
  item: SimItem,
  parentIndex: number,
): WooProductJson & Record<string, unknown> {
  const parent = variableProductAt(store, parentIndex);
  return {
    ...wooSimpleProduct(store, item, store.externalId(item.index)),
    type: "variation",
    parent_id: store.externalId(parentIndex),
    name: item.title,
    attributes: [{ id: 1, name: "Option", option: parent?.options.get(item.index) ?? item.sku }],
  };
}

function wooSimpleProduct(store: SimStore, item: SimItem, id: number): WooProductJson & Record<string, unknown> {
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

const error = (status: number, code: string, message: string): SimResponse =>
  json(status, { code, message, data: { status } });

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
  // Variations are not products of their own: they are listed under their parent.
  const indices = store.catalogue.indices({ modifiedAfterMs }).filter((index) => !parentOf(store, { index }));
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
  const { rows, total, totalPages } =
    offset !== undefined && offset >= 0
      ? {
          rows: indices.slice(offset, offset + perPage),
          total: indices.length,
          totalPages: Math.ceil(indices.length / perPage),
        }
      : pageOf(indices, page, perPage);
  const pageRows = rows
    .map((index) => store.catalogue.item(index))
    .filter((item): item is SimItem => item !== undefined);
  const link = (p: number, rel: string) =>
    `<${request.origin}${request.prefix}/wp-json/wc/v3/products?page=${p}&per_page=${perPage}>; rel="${rel}"`;
  const links = [page > 1 ? link(page - 1, "prev") : "", page < totalPages ? link(page + 1, "next") : ""]
    .filter(Boolean)
    .join(", ");
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
  const request = (parseJson(body) ?? {}) as {
    create?: unknown[];
    update?: (StockPatch & { id?: unknown })[];
    delete?: unknown[];
  };
  const size = (request.create?.length ?? 0) + (request.update?.length ?? 0) + (request.delete?.length ?? 0);
  if (size > MAX_BATCH)
    return {
      response: error(
        413,
        "woocommerce_rest_request_entity_too_large",
        `Unable to accept more than ${MAX_BATCH} items for this request.`,
      ),
      writes: 0,
    };
  let writes = 0;
  const update = (request.update ?? []).map((patch) => {
    const item = store.itemById(Number(patch.id));
    if (!item)
      return {
        id: Number(patch.id) || 0,
        error: { code: "woocommerce_rest_product_invalid_id", message: "Invalid ID.", data: { status: 400 } },
      };
    const result = applyStock(store, item, patch);
    if (typeof result === "string")
      return {
        id: store.externalId(item.index),
        error: { code: "rest_invalid_param", message: result, data: { status: 400 } },
      };
    writes += 1;
    return wooProduct(store, result);
  });
  return { response: json(200, { update }), writes };
}

/** Topics WooCommerce accepts for a webhook (the product and order ones Stockhook could use). */
const WEBHOOK_TOPICS = new Set([
  "product.created",
  "product.updated",
  "product.deleted",
  "product.restored",
  "order.created",
  "order.updated",
  "order.deleted",
  "action.woocommerce_product_set_stock",
]);

function webhookJson(hook: SimHook) {
  const [resource, event] = hook.topic.split(".");
  return {
    id: hook.id,
    name: `Stockhook ${hook.topic}`,
    status: hook.status,
    topic: hook.topic,
    resource,
    event,
    hooks: [`woocommerce_${event}_${resource}`],
    delivery_url: hook.address,
    date_created_gmt: gmt(hook.createdAt),
    date_modified_gmt: gmt(hook.updatedAt),
  };
}

/**
 * On activation WooCommerce POSTs `webhook_id=<id>` (form-encoded) to the delivery URL and takes
 * only an exact 200 as proof that the URL is a receiver (WC_Webhook::deliver_ping).
 */
async function ping(hook: SimHook): Promise<string | undefined> {
  try {
    const response = await fetch(hook.address, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `webhook_id=${hook.id}`,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status === 200 ? undefined : `Error: Delivery URL returned response code: ${response.status}`;
  } catch {
    return "Error: Delivery URL cannot be reached";
  }
}

interface WebhookBody {
  name?: unknown;
  topic?: unknown;
  delivery_url?: unknown;
  secret?: unknown;
  status?: unknown;
}

function validWebhookFields(body: WebhookBody, creating: boolean): string | undefined {
  if ((creating || body.topic !== undefined) && (typeof body.topic !== "string" || !WEBHOOK_TOPICS.has(body.topic)))
    return "Invalid parameter(s): topic";
  if (creating || body.delivery_url !== undefined) {
    try {
      if (!/^https?:$/.test(new URL(String(body.delivery_url)).protocol)) return "Invalid parameter(s): delivery_url";
    } catch {
      return "Invalid parameter(s): delivery_url";
    }
  }
  if (body.status !== undefined && !["active", "paused", "disabled"].includes(String(body.status)))
    return "Invalid parameter(s): status";
  if (body.secret !== undefined && typeof body.secret !== "string") return "Invalid parameter(s): secret";
  return undefined;
}

async function webhooksRoute(store: SimStore, request: SimRequest, id: string | undefined): Promise<SimResponse> {
  if (store.controls.denyWebhookApi)
    return error(
      401,
      request.method === "GET" ? "woocommerce_rest_cannot_view" : "woocommerce_rest_cannot_create",
      "Sorry, you are not allowed to manage webhooks.",
    );
  const hooks = hooksOf(store);
  const body = (parseJson(request.body) ?? {}) as WebhookBody;
  if (!id && request.method === "GET") {
    const perPage = intParam(request.query, "per_page", 10, { max: MAX_PER_PAGE });
    const page = intParam(request.query, "page", 1);
    if (perPage === undefined || page === undefined)
      return error(400, "rest_invalid_param", "Invalid parameter(s): per_page, page");
    const wanted = request.query.get("status");
    const all = [...hooks.values()].filter((hook) => !wanted || wanted === "all" || hook.status === wanted);
    const { rows, total, totalPages } = pageOf(all, page, perPage);
    return json(200, rows.map(webhookJson), { "x-wp-total": String(total), "x-wp-totalpages": String(totalPages) });
  }
  if (!id && request.method === "POST") {
    const invalid = validWebhookFields(body, true);
    if (invalid) return error(400, "rest_invalid_param", invalid);
    const active = body.status === undefined || body.status === "active";
    const hook = addHook(store, {
      topic: String(body.topic),
      address: String(body.delivery_url),
      secret: typeof body.secret === "string" ? body.secret : "",
      headers: {},
      active: false,
    });
    if (active) {
      const failed = await ping(hook);
      if (failed) {
        hooks.delete(hook.id);
        return error(400, "woocommerce_rest_webhook_delivery_url_invalid", failed);
      }
      setHookActive(hook, true);
    }
    return json(201, webhookJson(hook));
  }
  const hook = id ? hooks.get(Number(id)) : undefined;
  if (!hook) return error(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.");
  if (request.method === "GET") return json(200, webhookJson(hook));
  if (request.method === "DELETE") {
    if (request.query.get("force") !== "true")
      return error(501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.");
    hooks.delete(hook.id);
    return json(200, webhookJson(hook));
  }
  if (request.method !== "PUT" && request.method !== "POST" && request.method !== "PATCH")
    return error(404, "rest_no_route", "No route was found matching the URL and request method.");
  const invalid = validWebhookFields(body, false);
  if (invalid) return error(400, "rest_invalid_param", invalid);
  if (typeof body.topic === "string") hook.topic = body.topic;
  if (body.delivery_url !== undefined) hook.address = String(body.delivery_url);
  if (typeof body.secret === "string") hook.secret = body.secret;
  if (body.status === "active" && hook.status !== "active") {
    const failed = await ping(hook);
    if (failed) return error(400, "woocommerce_rest_webhook_delivery_url_invalid", failed);
    setHookActive(hook, true);
  } else if (body.status === "paused" || body.status === "disabled") {
    setHookActive(hook, false, body.status);
  }
  hook.updatedAt = new Date();
  return json(200, webhookJson(hook));
}

/** `/products/<id>/variations[/<id>|/batch]`: a simple product has none; a variable one keeps stock on them. */
function variationsRoute(store: SimStore, request: SimRequest, parentId: string, child: string | undefined): Handled {
  const parentItem = store.itemById(parentId);
  if (!parentItem)
    return {
      kind: "woocommerce:variations",
      response: error(404, "woocommerce_rest_product_invalid_id", "Invalid ID."),
    };
  const product = variableProductAt(store, parentItem.index);
  const children = product ? variantsOf(store, product) : [];
  const ownChild = (id: unknown) => children.find((variation) => store.externalId(variation.index) === Number(id));
  if (!child && request.method === "GET") {
    const perPage = intParam(request.query, "per_page", 10, { max: MAX_PER_PAGE });
    const page = intParam(request.query, "page", 1);
    if (perPage === undefined || page === undefined)
      return {
        kind: "woocommerce:variations.list",
        response: error(400, "rest_invalid_param", "Invalid parameter(s): per_page, page"),
      };
    const { rows, total, totalPages } = pageOf(children, page, perPage);
    return {
      kind: "woocommerce:variations.list",
      response: json(
        200,
        rows.map((variation) => wooVariation(store, variation, parentItem.index)),
        { "x-wp-total": String(total), "x-wp-totalpages": String(children.length ? totalPages : 0) },
      ),
    };
  }
  if (child === "batch" && request.method === "POST") {
    const body = (parseJson(request.body) ?? {}) as { update?: (StockPatch & { id?: unknown })[] };
    if ((body.update?.length ?? 0) > MAX_BATCH)
      return {
        kind: "woocommerce:variations.batch",
        response: error(
          413,
          "woocommerce_rest_request_entity_too_large",
          `Unable to accept more than ${MAX_BATCH} items for this request.`,
        ),
      };
    let writes = 0;
    const update = (body.update ?? []).map((patch) => {
      const variation = ownChild(patch.id);
      if (!variation)
        return {
          id: Number(patch.id) || 0,
          error: {
            code: "woocommerce_rest_product_variation_invalid_id",
            message: "Invalid ID.",
            data: { status: 400 },
          },
        };
      const result = applyStock(store, variation, patch);
      if (typeof result === "string")
        return {
          id: store.externalId(variation.index),
          error: { code: "rest_invalid_param", message: result, data: { status: 400 } },
        };
      writes += 1;
      return wooVariation(store, result, parentItem.index);
    });
    return { kind: "woocommerce:variations.batch", response: json(200, { update }), writes };
  }
  const variation = child ? ownChild(child) : undefined;
  if (!variation)
    return {
      kind: "woocommerce:variations",
      response: error(404, "woocommerce_rest_product_variation_invalid_id", "Invalid ID."),
    };
  if (request.method === "GET")
    return {
      kind: "woocommerce:variations.get",
      response: json(200, wooVariation(store, variation, parentItem.index)),
    };
  if (request.method === "PUT" || request.method === "POST" || request.method === "PATCH") {
    const result = applyStock(store, variation, (parseJson(request.body) ?? {}) as StockPatch);
    if (typeof result === "string")
      return { kind: "woocommerce:variations.update", response: error(400, "rest_invalid_param", result) };
    return {
      kind: "woocommerce:variations.update",
      response: json(200, wooVariation(store, result, parentItem.index)),
      writes: 1,
    };
  }
  return {
    kind: "woocommerce:unknown",
    response: error(404, "rest_no_route", "No route was found matching the URL and request method."),
  };
}

export const wooCommerceSim: ProviderSim = {
  provider: "woocommerce",
  windowed: true,
  route: ([storeId, ...rest]) =>
    storeId ? { storeId, path: `/${rest.join("/")}`, prefix: `/woocommerce/${storeId}` } : undefined,
  isPublic: (request) => request.path === "/wp-json/wc/v3" || request.path === "/wp-json",
  authorize(store, request) {
    const basic = basicAuth(request);
    const key = basic?.user ?? request.query.get("consumer_key");
    const secret = basic?.password ?? request.query.get("consumer_secret");
    return key === store.credentials.key && secret === store.credentials.secret;
  },
  unauthorized: () => error(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
  unknownStore: () => error(404, "rest_no_route", "No route was found matching the URL and request method."),

  async handle(store, request) {
    const { method, path } = request;
    if (path === "/wp-json/wc/v3" || path === "/wp-json")
      return { kind: "woocommerce:index", response: json(200, { namespace: "wc/v3", routes: {} }) };
    if (method === "GET" && path === "/wp-json/wc/v3/products")
      return { kind: "woocommerce:products.list", response: listProducts(store, request) };
    const webhook = /^\/wp-json\/wc\/v3\/webhooks(?:\/(\d+))?$/.exec(path);
    if (webhook)
      return {
        kind: `woocommerce:webhooks.${method.toLowerCase()}`,
        response: await webhooksRoute(store, request, webhook[1]),
      };
    if (method === "POST" && path === "/wp-json/wc/v3/products/batch")
      return { kind: "woocommerce:products.batch", ...batch(store, request.body) };
    const variations = /^\/wp-json\/wc\/v3\/products\/(\d+)\/variations(?:\/(\d+|batch))?$/.exec(path);
    if (variations) return variationsRoute(store, request, variations[1] ?? "", variations[2]);
    const one = /^\/wp-json\/wc\/v3\/products\/(\d+)$/.exec(path);
    if (one && method === "GET") {
      const found = store.itemById(one[1] ?? "");
      return {
        kind: "woocommerce:products.get",
        response: found
          ? json(200, wooProduct(store, found))
          : error(404, "woocommerce_rest_product_invalid_id", "Invalid ID."),
      };
    }
    if (one && (method === "PUT" || method === "POST" || method === "PATCH"))
      return { kind: "woocommerce:products.update", ...updateOne(store, one[1] ?? "", request.body) };
    return {
      kind: "woocommerce:unknown",
      response: error(404, "rest_no_route", "No route was found matching the URL and request method."),
    };
  },

  webhook(store, item, { secret, origin, hook }) {
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
        "x-wc-webhook-id": String(hook?.id ?? 1),
        "x-wc-webhook-delivery-id": String(deliveries),
      },
      topic: "product.updated",
    };
  },
};
