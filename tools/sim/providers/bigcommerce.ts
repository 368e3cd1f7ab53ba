import { createHash } from "node:crypto";
import { type BigCommerceInventoryWebhook, type BigCommerceProductJson } from "@/server/connectors/bigcommerce/schemas";
import { type SimItem } from "../catalogue";
import {
  header,
  intParam,
  json,
  pageOf,
  parseJson,
  type ProviderSim,
  type SimRequest,
  type SimResponse,
} from "../http";
import { type SimStore } from "../store";
import { addHook, deactivateIdleHooks, hooksOf, lowerCased, setHookActive, type SimHook } from "../subscriptions";
import { parentOf, variableProductAt, variantsOf } from "../variants";

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

/** A variant of a product tracked by variant: its product's id and its own. */
export function variantOf(store: SimStore, item: SimItem): { productId: number; variantId: number } | undefined {
  const parent = parentOf(store, item);
  return parent
    ? { productId: store.externalId(parent.parentIndex), variantId: store.externalId(item.index) + VARIANT_ID_OFFSET }
    : undefined;
}

export function bigCommerceProduct(store: SimStore, item: SimItem): BigCommerceProductJson & Record<string, unknown> {
  const id = store.externalId(item.index);
  const variable = variableProductAt(store, item.index);
  if (variable) {
    // Tracked by variant: each variant carries its own level; the product's is their sum.
    const variants = variantsOf(store, variable);
    const latest = variants.reduce(
      (max, variant) => (variant.updatedAt > max ? variant.updatedAt : max),
      item.updatedAt,
    );
    return {
      ...simpleProduct(store, {
        ...item,
        updatedAt: latest,
        quantity: variants.reduce((sum, v) => sum + v.quantity, 0),
      }),
      sku: item.sku,
      inventory_tracking: "variant",
      variants: variants.map((variant) => ({
        id: store.externalId(variant.index) + VARIANT_ID_OFFSET,
        product_id: id,
        sku: variant.sku,
        inventory_level: variant.quantity,
        option_values: [
          {
            id: 1,
            label: variable.options.get(variant.index) ?? variant.sku,
            option_id: 1,
            option_display_name: "Option",
          },
        ],
      })),
    };
  }
  return simpleProduct(store, item);
}

function simpleProduct(store: SimStore, item: SimItem): BigCommerceProductJson & Record<string, unknown> {
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
    variants: [
      { id: id + VARIANT_ID_OFFSET, product_id: id, sku: item.sku, inventory_level: item.quantity, option_values: [] },
    ],
  };
}

const problem = (status: number, title: string, extra: Record<string, unknown> = {}): SimResponse =>
  json(status, {
    status,
    title,
    type: "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
    ...extra,
  });

function listProducts(store: SimStore, request: SimRequest): SimResponse {
  const limit = intParam(request.query, "limit", 50, { max: MAX_LIMIT });
  const page = intParam(request.query, "page", 1);
  if (limit === undefined || page === undefined) return problem(422, "The filter(s): limit, page are not valid.");
  const since = request.query.get("date_modified:min");
  const greater =
    Number(request.query.get("id:greater") ?? request.query.get("id:min") ?? Number.NEGATIVE_INFINITY) +
    (request.query.has("id:min") ? -1 : 0);
  const indices = store.catalogue
    .indices({ includeArchived: true, modifiedAfterMs: since ? Date.parse(since) - 1 : undefined })
    .filter((index) => store.externalId(index) > greater && !parentOf(store, { index }));
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
        links: {
          ...(page > 1 ? { previous: `${base}&page=${page - 1}` } : {}),
          current: `${base}&page=${page}`,
          ...(page < totalPages ? { next: `${base}&page=${page + 1}` } : {}),
        },
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
    else if (entry.variant_id === undefined && variableProductAt(store, item.index))
      errors[`items.${position}.product_id`] = "This product tracks inventory by variant; adjust its variants.";
    else if (!Number.isInteger(entry.quantity) || (entry.quantity as number) < 0)
      errors[`items.${position}.quantity`] = "quantity must be a non-negative integer.";
    return { item, quantity: entry.quantity as number };
  });
  if (Object.keys(errors).length > 0) return { response: problem(422, "Input is invalid", { errors }), writes: 0 };
  for (const { item, quantity } of resolved) if (item) store.catalogue.setQuantity(item.index, quantity);
  return { response: json(200, { transaction_id: crypto.randomUUID() }), writes: resolved.length };
}

const HOOK_SCOPES = new Set([
  "store/product/inventory/updated",
  "store/sku/inventory/updated",
  "store/product/inventory/order/updated",
  "store/sku/inventory/order/updated",
  "store/product/updated",
  "store/product/deleted",
  "store/order/created",
]);
/** At most 10 hooks per store, client and scope. */
const MAX_HOOKS_PER_SCOPE = 10;

function hookJson(store: SimStore, hook: SimHook) {
  return {
    id: hook.id,
    client_id: `sim-client-${store.id}`,
    store_hash: store.id,
    scope: hook.topic,
    destination: hook.address,
    headers: hook.headers,
    is_active: hook.active,
    created_at: Math.floor(hook.createdAt.getTime() / 1000),
    updated_at: Math.floor(hook.updatedAt.getTime() / 1000),
  };
}

interface HookBody {
  scope?: unknown;
  destination?: unknown;
  is_active?: unknown;
  headers?: unknown;
}

function invalidHook(body: HookBody, creating: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  if ((creating || body.scope !== undefined) && (typeof body.scope !== "string" || !HOOK_SCOPES.has(body.scope)))
    errors.scope = "scope is not a valid webhook scope.";
  if (creating || body.destination !== undefined) {
    try {
      if (!/^https?:$/.test(new URL(String(body.destination)).protocol))
        errors.destination = "destination must be a URL.";
    } catch {
      errors.destination = "destination must be a URL.";
    }
  }
  if (body.is_active !== undefined && typeof body.is_active !== "boolean")
    errors.is_active = "is_active must be a boolean.";
  if (
    body.headers !== undefined &&
    body.headers !== null &&
    (typeof body.headers !== "object" || Object.values(body.headers as object).some((v) => typeof v !== "string"))
  )
    errors.headers = "headers must map names to strings.";
  return errors;
}

function hooksRoute(store: SimStore, request: SimRequest, id: string | undefined): SimResponse {
  if (store.controls.denyWebhookApi) return problem(403, "You don't have a required scope to access the endpoint");
  deactivateIdleHooks(store);
  const hooks = hooksOf(store);
  const body = (parseJson(request.body) ?? {}) as HookBody;
  if (!id && request.method === "GET") {
    const limit = intParam(request.query, "limit", 50, { max: 250 });
    const page = intParam(request.query, "page", 1);
    if (limit === undefined || page === undefined) return problem(422, "The filter(s): limit, page are not valid.");
    const { rows, total, totalPages } = pageOf([...hooks.values()], page, limit);
    return json(200, {
      data: rows.map((hook) => hookJson(store, hook)),
      meta: {
        pagination: {
          total,
          count: rows.length,
          per_page: limit,
          current_page: page,
          total_pages: totalPages,
          links: {},
        },
      },
    });
  }
  if (!id && request.method === "POST") {
    const errors = invalidHook(body, true);
    if (Object.keys(errors).length) return problem(422, "Input is invalid", { errors });
    if ([...hooks.values()].filter((hook) => hook.topic === body.scope).length >= MAX_HOOKS_PER_SCOPE)
      return problem(422, `This store already has ${MAX_HOOKS_PER_SCOPE} webhooks for ${String(body.scope)}.`);
    const hook = addHook(store, {
      topic: String(body.scope),
      address: String(body.destination),
      secret: "",
      headers: (body.headers ?? {}) as Record<string, string>,
      active: body.is_active !== false,
    });
    return json(200, { data: hookJson(store, hook), meta: {} });
  }
  const hook = id ? hooks.get(Number(id)) : undefined;
  if (!hook) return problem(404, "Webhook not found.");
  if (request.method === "GET") return json(200, { data: hookJson(store, hook), meta: {} });
  if (request.method === "DELETE") {
    hooks.delete(hook.id);
    return json(200, { data: hookJson(store, hook), meta: {} });
  }
  if (request.method !== "PUT") return problem(405, "Method not allowed.");
  const errors = invalidHook(body, false);
  if (Object.keys(errors).length) return problem(422, "Input is invalid", { errors });
  if (typeof body.scope === "string") hook.topic = body.scope;
  if (body.destination !== undefined) hook.address = String(body.destination);
  if (body.headers !== undefined) hook.headers = lowerCased((body.headers ?? {}) as Record<string, string>);
  if (typeof body.is_active === "boolean") setHookActive(hook, body.is_active);
  hook.updatedAt = new Date();
  return json(200, { data: hookJson(store, hook), meta: {} });
}

export const bigCommerceSim: ProviderSim = {
  provider: "bigcommerce",
  windowed: true,
  route: ([stores, storeId, ...rest]) =>
    stores === "stores" && storeId
      ? { storeId, path: `/${rest.join("/")}`, prefix: `/bigcommerce/stores/${storeId}` }
      : undefined,
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
      return {
        kind: "bigcommerce:catalog.summary",
        response: json(200, {
          data: {
            inventory_count: live,
            inventory_value: 0,
            primary_category_id: 0,
            primary_category_name: "",
            variant_count: live,
            highest_variant_price: 0,
            average_variant_price: 0,
            lowest_variant_price: "0",
          },
          meta: {},
        }),
      };
    }
    if (method === "GET" && path === "/v3/catalog/products")
      return { kind: "bigcommerce:products.list", response: listProducts(store, request) };
    const one = /^\/v3\/catalog\/products\/(\d+)$/.exec(path);
    if (method === "GET" && one) {
      const found = store.itemById(one[1] ?? "");
      // A variant's slot is not a product of its own.
      const item = found && !parentOf(store, found) ? found : undefined;
      return {
        kind: "bigcommerce:products.get",
        response: item
          ? json(200, { data: bigCommerceProduct(store, item), meta: {} })
          : problem(404, "The requested product was not found."),
      };
    }
    const hook = /^\/v3\/hooks(?:\/(\d+))?$/.exec(path);
    if (hook)
      return { kind: `bigcommerce:hooks.${method.toLowerCase()}`, response: hooksRoute(store, request, hook[1]) };
    if (method === "PUT" && path === "/v3/inventory/adjustments/absolute")
      return { kind: "bigcommerce:inventory.absolute", ...absoluteAdjustment(store, request.body) };
    return { kind: "bigcommerce:unknown", response: problem(404, "Not found.") };
  },

  webhook(store, item, { secret, kind, hook, delta }) {
    const variant = variantOf(store, item);
    const productId = variant?.productId ?? store.externalId(item.index);
    const type = variant ? "sku" : "product";
    // A sale is an order taking stock: a relative change on the order scope; anything else sets the level.
    const byOrder = hook !== undefined && kind === "sale";
    const inventory = {
      product_id: productId,
      ...(variant ? { variant_id: variant.variantId } : {}),
      method: byOrder ? ("relative" as const) : ("absolute" as const),
      value: byOrder ? (delta ?? -1) : item.quantity,
    };
    const data: BigCommerceInventoryWebhook["data"] = { type, id: variant?.variantId ?? productId, inventory };
    const scope = `store/${type}/inventory/${byOrder ? "order/" : ""}updated` as BigCommerceInventoryWebhook["scope"];
    const payload: BigCommerceInventoryWebhook = {
      scope,
      store_id: String(1_000_000 + (store.catalogue.seed % 1_000_000)),
      data,
      hash: createHash("sha1")
        .update(JSON.stringify({ ...data, at: Date.now(), nonce: crypto.randomUUID() }))
        .digest("hex"),
      created_at: Math.floor(Date.now() / 1000),
      producer: `stores/${store.id}`,
    };
    // BigCommerce does not sign payloads; the shared secret travels in a header set on the hook.
    const headers: Record<string, string> = hook ? {} : { [BIGCOMMERCE_WEBHOOK_HEADER]: secret };
    return { body: JSON.stringify(payload), headers, topic: scope };
  },
};
