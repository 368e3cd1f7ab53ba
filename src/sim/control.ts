import { z } from "zod";
import { type SimItem } from "./catalogue";
import { connectorConfigFor, type SimConnectorConfig } from "./connector-config";
import { json, parseJson, type SimResponse } from "./http";
import { externalIdOf } from "./providers";
import { type RequestStats, SIM_PROVIDERS, type SimStore, type StoreControls, type StoreRegistry, type StoreSpec } from "./store";
import { emitWebhook, type EmitWebhookResult } from "./webhooks";

/**
 * Run-time control of the simulator, in process (`sim.controls`) and over HTTP (`/_control`):
 * faults and limits per store, reading and changing stock, request counters, webhooks.
 */
export interface ItemView {
  externalId: string;
  sku: string;
  title: string;
  quantity: number;
  unique: boolean;
  state: SimItem["state"];
  updatedAt: string;
}

export interface StoreView {
  key: string;
  provider: SimStore["provider"];
  id: string;
  items: number;
  controls: StoreControls;
  requests: Omit<RequestStats, "log">;
  connector: SimConnectorConfig;
}

const windowSchema = z.object({ limit: z.number().int().positive(), windowMs: z.number().int().positive() });
export const controlsPatchSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000),
    outage: z.enum(["none", "error", "hang", "refuse"]),
    outageStatus: z.number().int().min(500).max(599),
    failNext: z.number().int().min(0),
    rateLimit: windowSchema.nullable(),
    costBucket: z.object({ maximumAvailable: z.number().positive(), restoreRate: z.number().positive() }),
    validateSubscriptions: z.boolean(),
  })
  .partial()
  .strict();

const itemPatchSchema = z.object({ quantity: z.number().int().min(0).optional(), state: z.enum(["active", "reserved", "archived", "deleted"]).optional() }).strict();
const newItemSchema = z.object({ sku: z.string().min(1), title: z.string().min(1), quantity: z.number().int().min(0), unique: z.boolean() }).partial().strict();
const storeSpecSchema = z.object({
  provider: z.enum(SIM_PROVIDERS),
  id: z.string().regex(/^[A-Za-z0-9_-]+$/),
  size: z.number().int().min(0).max(50_000).optional(),
  seed: z.number().int().optional(),
  idBase: z.number().int().positive().optional(),
  credentials: z.object({ token: z.string(), key: z.string(), secret: z.string() }).partial().optional(),
  controls: controlsPatchSchema.optional(),
});
const webhookSchema = z.object({
  kind: z.enum(["sale", "return", "restock", "adjustment"]),
  sku: z.string().min(1),
  quantity: z.number().int().min(0).optional(),
  targetUrl: z.url(),
  secret: z.string().min(1),
});

export interface SimControls {
  list(): StoreView[];
  store(key: string): StoreView;
  createStore(spec: StoreSpec): StoreView;
  set(key: string, patch: Partial<StoreControls>): StoreControls;
  /** Back to no faults, no limits, no latency (catalogue and counters untouched). */
  reset(key: string): StoreControls;
  item(key: string, sku: string): ItemView | undefined;
  items(key: string, page?: { offset?: number; limit?: number }): ItemView[];
  setItem(key: string, sku: string, patch: z.infer<typeof itemPatchSchema>): ItemView;
  addItem(key: string, spec?: z.infer<typeof newItemSchema>): ItemView;
  requests(key: string): RequestStats;
  resetRequests(key: string): void;
  emitWebhook(key: string, webhook: z.infer<typeof webhookSchema>): Promise<EmitWebhookResult>;
}

export function createControls(stores: StoreRegistry, origin: () => string): SimControls {
  const view = (item: SimItem, store: SimStore): ItemView => ({
    externalId: externalIdOf(store, item.index),
    sku: item.sku,
    title: item.title,
    quantity: item.quantity,
    unique: item.unique,
    state: item.state,
    updatedAt: item.updatedAt.toISOString(),
  });
  const storeView = (store: SimStore): StoreView => {
    const { log: _log, ...requests } = store.stats;
    return { key: store.key, provider: store.provider, id: store.id, items: store.catalogue.indices({ includeArchived: true }).length, controls: store.controls, requests, connector: connectorConfigFor(store, origin()) };
  };
  const requireItem = (store: SimStore, sku: string) => {
    const item = store.itemBySku(sku);
    if (!item) throw new ControlError(404, `${store.key} has no item ${sku}`);
    return item;
  };

  return {
    list: () => stores.list().map(storeView),
    store: (key) => storeView(stores.require(key)),
    createStore: (spec) => storeView(stores.create(spec)),
    set: (key, patch) => stores.require(key).configure(controlsPatchSchema.parse(patch)),
    reset: (key) => stores.require(key).configure({ latencyMs: 0, outage: "none", failNext: 0, rateLimit: null }),
    item(key, sku) {
      const store = stores.require(key);
      const item = store.itemBySku(sku);
      return item ? view(item, store) : undefined;
    },
    items(key, { offset = 0, limit = 100 } = {}) {
      const store = stores.require(key);
      return store.catalogue
        .indices({ includeArchived: true })
        .slice(offset, offset + limit)
        .map((index) => view(store.catalogue.item(index) as SimItem, store));
    },
    setItem(key, sku, patch) {
      const store = stores.require(key);
      const { quantity, state } = itemPatchSchema.parse(patch);
      let item = requireItem(store, sku);
      if (quantity !== undefined) item = store.catalogue.setQuantity(item.index, quantity) ?? item;
      if (state !== undefined) item = store.catalogue.setState(item.index, state) ?? item;
      return view(item, store);
    },
    addItem(key, spec = {}) {
      const store = stores.require(key);
      return view(store.add(newItemSchema.parse(spec)), store);
    },
    requests: (key) => stores.require(key).stats,
    resetRequests: (key) => stores.require(key).resetStats(),
    emitWebhook: (key, webhook) => emitWebhook({ ...webhookSchema.parse(webhook), store: stores.require(key), origin: origin() }),
  };
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Routes `/_control/...` onto the same functions the in-process `controls` object exposes. */
export async function handleControlRequest(controls: SimControls, method: string, segments: string[], query: URLSearchParams, rawBody: string): Promise<SimResponse> {
  const body = parseJson(rawBody) ?? {};
  const [key, resource, sku] = segments;
  try {
    if (!key) return method === "GET" ? json(200, { stores: controls.list() }) : json(405, { error: "GET /_control lists stores" });
    if (key === "stores" && method === "POST") return json(201, controls.createStore(storeSpecSchema.parse(body) as StoreSpec));
    if (!resource) {
      if (method === "GET") return json(200, controls.store(key));
      if (method === "POST" || method === "PATCH") return json(200, { controls: controls.set(key, body as Partial<StoreControls>) });
      if (method === "DELETE") return json(200, { controls: controls.reset(key) });
    }
    if (resource === "items" && !sku) {
      if (method === "GET") return json(200, { items: controls.items(key, { offset: Number(query.get("offset") ?? 0), limit: Number(query.get("limit") ?? 100) }) });
      if (method === "POST") return json(201, controls.addItem(key, body as object));
    }
    if (resource === "items" && sku) {
      if (method === "GET") {
        const item = controls.item(key, sku);
        return item ? json(200, item) : json(404, { error: `no item ${sku}` });
      }
      if (method === "POST" || method === "PATCH") return json(200, controls.setItem(key, sku, body as object));
    }
    if (resource === "requests") {
      if (method === "GET") {
        const { log, ...stats } = controls.requests(key);
        return json(200, query.get("log") === "1" ? { ...stats, log } : stats);
      }
      if (method === "DELETE") {
        controls.resetRequests(key);
        return json(200, { reset: true });
      }
    }
    if (resource === "webhooks" && method === "POST") {
      const result = await controls.emitWebhook(key, body as z.infer<typeof webhookSchema>);
      return json(200, { status: result.status, quantityAfter: result.quantityAfter, responseBody: result.responseBody.slice(0, 2_000) });
    }
    return json(404, { error: `no control route ${method} /_control/${segments.join("/")}` });
  } catch (error) {
    if (error instanceof z.ZodError) return json(400, { error: "invalid request", issues: error.issues });
    if (error instanceof ControlError) return json(error.status, { error: error.message });
    const message = error instanceof Error ? error.message : String(error);
    return json(/^No simulated store/.test(message) ? 404 : 400, { error: message });
  }
}
