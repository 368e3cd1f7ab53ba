import {
  SAM_SIGNATURE_HEADER,
  SAM_STOCK_TOPIC,
  type SamProduct,
  type SamWebhook,
} from "@/server/connectors/sam/mapping";
import { type SimItem } from "../catalogue";
import { bearer, hmacSha256, intParam, json, type ProviderSim } from "../http";
import { type SimStore } from "../store";

/** SAM v3 as modelled by Stockhook: cursor pagination in id order, Bearer API keys. */
const MAX_LIMIT = 500;

function samStatus(item: SimItem): SamProduct["status"] {
  if (item.state === "archived") return "archived";
  if (item.state === "reserved") return "reserved";
  // Only a one-of-a-kind piece is "sold"; an edition at zero is simply out of stock.
  return item.quantity === 0 && item.unique ? "sold" : "available";
}

export function samProduct(store: SimStore, item: SimItem): SamProduct {
  return {
    sam_id: String(store.externalId(item.index)),
    sku: item.sku,
    title: item.title,
    stock: item.quantity,
    status: samStatus(item),
    unique: item.unique,
    updated_at: item.updatedAt.toISOString(),
  };
}

const cursorOf = (index: number) => Buffer.from(`i:${index}`).toString("base64url");
const indexOf = (cursor: string) =>
  Number(/^i:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"))?.[1] ?? Number.NaN);

export const samSim: ProviderSim = {
  provider: "sam",
  windowed: true,
  route: ([storeId, ...rest]) =>
    storeId ? { storeId, path: `/${rest.join("/")}`, prefix: `/sam/${storeId}` } : undefined,
  authorize: (store, request) => bearer(request) === store.credentials.token,
  unauthorized: () => json(401, { error: "unauthorized", message: "Invalid or missing API key" }),
  unknownStore: () => json(404, { error: "not_found", message: "Unknown SAM installation" }),

  handle(store, request) {
    const one = /^\/api\/v3\/products\/([^/]+)$/.exec(request.path);
    if (request.method === "GET" && one) {
      const item = store.itemById(one[1] ?? "");
      return {
        kind: "sam:products.get",
        response: item ? json(200, samProduct(store, item)) : json(404, { error: "not_found" }),
      };
    }
    if (request.method !== "GET" || request.path !== "/api/v3/products")
      return { kind: "sam:unknown", response: json(404, { error: "not_found" }) };

    const limit = intParam(request.query, "limit", 100, { max: MAX_LIMIT });
    const cursor = request.query.get("cursor");
    const after = cursor ? indexOf(cursor) : -1;
    const since = request.query.get("updated_since");
    const sinceMs = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
    if (limit === undefined || Number.isNaN(after) || Number.isNaN(sinceMs))
      return { kind: "sam:products.list", response: json(400, { error: "invalid_parameter" }) };

    // Id order makes the cursor stable: items created mid-scan get higher ids and come later.
    const data: SamProduct[] = [];
    let last = after;
    let more = false;
    for (const item of store.catalogue.live(after + 1)) {
      if (item.updatedAt.getTime() <= sinceMs) continue;
      if (data.length === limit) {
        more = true;
        break;
      }
      data.push(samProduct(store, item));
      last = item.index;
    }
    return { kind: "sam:products.list", response: json(200, { data, next_cursor: more ? cursorOf(last) : null }) };
  },

  webhook(store, item, { kind, secret }) {
    const product = samProduct(store, item);
    const payload: SamWebhook = {
      event_id: `evt_${crypto.randomUUID()}`,
      type: SAM_STOCK_TOPIC,
      occurred_at: new Date().toISOString(),
      data: { sam_id: product.sam_id, sku: product.sku, stock: product.stock, status: product.status, reason: kind },
    };
    const body = JSON.stringify(payload);
    return { body, headers: { [SAM_SIGNATURE_HEADER]: hmacSha256(secret, body, "hex") } };
  },
};
