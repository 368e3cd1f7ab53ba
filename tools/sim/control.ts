import { z } from "zod";
import { type SimItem } from "./catalogue";
import { connectorConfigFor, type SimConnectorConfig } from "./connector-config";
import { json, parseJson, type SimResponse } from "./http";
import { externalIdOf } from "./providers";
import {
  type RequestStats,
  SIM_PROVIDERS,
  type SimStore,
  type StoreControls,
  type StoreRegistry,
  type StoreSpec,
} from "./store";
import { emitWebhook, type EmitWebhookResult } from "./webhooks";
import { addVariableProduct } from "./variants";
import {
  changeAndNotify,
  type DeliveryOutcome,
  hooksOf,
  passIdleTime,
  setHookActive,
  type SimHook,
} from "./subscriptions";

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
    denyWebhookApi: z.boolean(),
    failDeliveries: z.boolean(),
    maxDeliveryFailures: z.number().int().min(0).max(1_000),
    deliveryRetryWindowMs: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3_600_000)
      .nullable(),
  })
  .partial()
  .strict();

const itemPatchSchema = z
  .object({
    quantity: z.number().int().min(0).optional(),
    state: z.enum(["active", "reserved", "archived", "deleted"]).optional(),
  })
  .strict();
const newItemSchema = z
  .object({ sku: z.string().min(1), title: z.string().min(1), quantity: z.number().int().min(0), unique: z.boolean() })
  .partial()
  .strict();
const storeSpecSchema = z.object({
  provider: z.enum(SIM_PROVIDERS),
  id: z.string().regex(/^[A-Za-z0-9_-]+$/),
  size: z.number().int().min(0).max(50_000).optional(),
  seed: z.number().int().optional(),
  idBase: z.number().int().positive().optional(),
  credentials: z.object({ token: z.string(), key: z.string(), secret: z.string() }).partial().optional(),
  controls: controlsPatchSchema.optional(),
});
const variableProductSchema = z
  .object({
    name: z.string().min(1),
    sku: z.string().min(1),
    variants: z
      .array(
        z.object({ sku: z.string().min(1), option: z.string().min(1), quantity: z.number().int().min(0) }).strict(),
      )
      .min(1)
      .max(100),
  })
  .strict();
const changeSchema = z
  .object({
    kind: z.enum(["sale", "return", "restock", "adjustment"]),
    sku: z.string().min(1),
    quantity: z.number().int().min(0).optional(),
  })
  .strict();
const hookPatchSchema = z.object({ active: z.boolean() }).strict();
const idleDaysSchema = z.number().positive().max(3650);

export type HookView = Omit<SimHook, "secret" | "headers"> & { headerNames: string[] };
const hookView = ({ secret: _secret, headers, ...hook }: SimHook): HookView => ({
  ...hook,
  headerNames: Object.keys(headers),
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
  /** A WooCommerce variable product or a BigCommerce product tracked by variant; its variants are items with their own SKUs. */
  addVariableProduct(
    key: string,
    spec: z.infer<typeof variableProductSchema>,
  ): { parent: ItemView; variants: ItemView[] };
  /** A stock change at the store, delivered to its webhook subscriptions as the platform would. */
  change(key: string, change: z.infer<typeof changeSchema>): Promise<{ item: ItemView; deliveries: DeliveryOutcome[] }>;
  /** The store's webhook subscriptions, as the platform holds them (secrets left out). */
  hooks(key: string): HookView[];
  /** Switches a subscription off (as the platform does after failures) or on, from outside the API. */
  setHook(key: string, id: number, patch: z.infer<typeof hookPatchSchema>): HookView;
  /** `days` pass with nothing to send: BigCommerce then switches off the hooks idle for 90 days. */
  passIdleDays(key: string, days: number): HookView[];
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
    return {
      key: store.key,
      provider: store.provider,
      id: store.id,
      items: store.catalogue.indices({ includeArchived: true }).length,
      controls: store.controls,
      requests,
      connector: connectorConfigFor(store, origin()),
    };
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
    reset: (key) =>
      stores
        .require(key)
        .configure({ latencyMs: 0, outage: "none", failNext: 0, rateLimit: null, failDeliveries: false }),
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
    emitWebhook: (key, webhook) =>
      emitWebhook({ ...webhookSchema.parse(webhook), store: stores.require(key), origin: origin() }),
    addVariableProduct(key, spec) {
      const store = stores.require(key);
      if (store.provider !== "woocommerce" && store.provider !== "bigcommerce")
        throw new ControlError(400, `${store.provider} has no variable products in the simulator`);
      const product = addVariableProduct(store, variableProductSchema.parse(spec));
      const parent = store.catalogue.item(product.parentIndex) as SimItem;
      return {
        parent: view(parent, store),
        variants: product.variantIndices.map((index) => view(store.catalogue.item(index) as SimItem, store)),
      };
    },
    async change(key, change) {
      const store = stores.require(key);
      const { item, deliveries } = await changeAndNotify(store, { ...changeSchema.parse(change), origin: origin() });
      return { item: view(item, store), deliveries };
    },
    hooks: (key) => [...hooksOf(stores.require(key)).values()].map(hookView),
    setHook(key, id, patch) {
      const hook = hooksOf(stores.require(key)).get(id);
      if (!hook) throw new ControlError(404, `${key} has no webhook subscription ${id}`);
      const { active } = hookPatchSchema.parse(patch);
      setHookActive(hook, active, active ? "active" : "disabled");
      return hookView(hook);
    },
    passIdleDays(key, days) {
      const store = stores.require(key);
      passIdleTime(store, idleDaysSchema.parse(days) * 24 * 60 * 60_000);
      return [...hooksOf(store).values()].map(hookView);
    },
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
export async function handleControlRequest(
  controls: SimControls,
  method: string,
  segments: string[],
  query: URLSearchParams,
  rawBody: string,
): Promise<SimResponse> {
  const body = parseJson(rawBody) ?? {};
  const [key, resource, sku] = segments;
  try {
    if (!key)
      return method === "GET"
        ? json(200, { stores: controls.list() })
        : json(405, { error: "GET /_control lists stores" });
    if (key === "stores" && method === "POST")
      return json(201, controls.createStore(storeSpecSchema.parse(body) as StoreSpec));
    if (!resource) {
      if (method === "GET") return json(200, controls.store(key));
      if (method === "POST" || method === "PATCH")
        return json(200, { controls: controls.set(key, body as Partial<StoreControls>) });
      if (method === "DELETE") return json(200, { controls: controls.reset(key) });
    }
    if (resource === "items" && !sku) {
      if (method === "GET")
        return json(200, {
          items: controls.items(key, {
            offset: Number(query.get("offset") ?? 0),
            limit: Number(query.get("limit") ?? 100),
          }),
        });
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
    if (resource === "products" && method === "POST")
      return json(201, controls.addVariableProduct(key, body as z.infer<typeof variableProductSchema>));
    if (resource === "changes" && method === "POST") {
      const result = await controls.change(key, body as z.infer<typeof changeSchema>);
      return json(200, result);
    }
    if (resource === "hooks" && !sku && method === "GET") return json(200, { hooks: controls.hooks(key) });
    if (resource === "idle" && method === "POST")
      return json(200, { hooks: controls.passIdleDays(key, (body as { days?: unknown }).days as number) });
    if (resource === "hooks" && sku && (method === "POST" || method === "PATCH"))
      return json(200, controls.setHook(key, Number(sku), body as z.infer<typeof hookPatchSchema>));
    if (resource === "webhooks" && method === "POST") {
      const result = await controls.emitWebhook(key, body as z.infer<typeof webhookSchema>);
      return json(200, {
        status: result.status,
        quantityAfter: result.quantityAfter,
        responseBody: result.responseBody.slice(0, 2_000),
      });
    }
    return json(404, { error: `no control route ${method} /_control/${segments.join("/")}` });
  } catch (error) {
    if (error instanceof z.ZodError) return json(400, { error: "invalid request", issues: error.issues });
    if (error instanceof ControlError) return json(error.status, { error: error.message });
    const message = error instanceof Error ? error.message : String(error);
    return json(/^No simulated store/.test(message) ? 404 : 400, { error: message });
  }
}
