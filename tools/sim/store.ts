import { Catalogue, type CatalogueOptions, type ItemSpec, type SimItem } from "./catalogue";
import { type BucketLimit, CostBucket, FixedWindow, type WindowLimit } from "./limits";

/**
 * One simulated store: a catalogue, the credentials it accepts, the faults it is told to show,
 * and a record of the calls it received (so tests and benchmarks can see what channels got).
 */
export const SIM_PROVIDERS = ["sam", "shopify", "woocommerce", "bigcommerce", "bc"] as const;
export type SimProvider = (typeof SIM_PROVIDERS)[number];

export type Outage = "none" | "error" | "hang" | "refuse";

export interface StoreControls {
  /** Added before every API response. */
  latencyMs: number;
  outage: Outage;
  /** Status served while `outage` is "error". */
  outageStatus: number;
  /** Fail this many upcoming requests with 503, then recover: a blip rather than an outage. */
  failNext: number;
  /** Request window (all but Shopify); null = unlimited. */
  rateLimit: WindowLimit | null;
  /** Shopify's query-cost bucket. */
  costBucket: BucketLimit;
  /** Business Central: call the notification URL with a validation token on subscribe. */
  validateSubscriptions: boolean;
  /** The credentials may not manage webhooks (a read-only WooCommerce key, a token without the scope). */
  denyWebhookApi: boolean;
  /** Webhook deliveries to subscriptions fail before reaching the receiver, as if it were down. */
  failDeliveries: boolean;
  /** WooCommerce disables a hook once its consecutive failures exceed this (its default is 5). */
  maxDeliveryFailures: number;
  /** BigCommerce's ~48 h and Shopify's 4 h retry windows, compressed to this; null = the platform's own. */
  deliveryRetryWindowMs: number | null;
}

export const DEFAULT_CONTROLS: StoreControls = {
  latencyMs: 0,
  outage: "none",
  outageStatus: 503,
  failNext: 0,
  rateLimit: null,
  costBucket: { maximumAvailable: 1000, restoreRate: 50 },
  validateSubscriptions: true,
  denyWebhookApi: false,
  failDeliveries: false,
  maxDeliveryFailures: 5,
  deliveryRetryWindowMs: null,
};

export interface SimCredentials {
  /** SAM API key, Shopify access token, BigCommerce X-Auth-Token, or a static Business Central bearer token. */
  token: string;
  /** WooCommerce consumer key/secret; Business Central OAuth client id/secret. */
  key: string;
  secret: string;
}

export interface StoreSpec extends CatalogueOptions {
  provider: SimProvider;
  id: string;
  credentials?: Partial<SimCredentials>;
  controls?: Partial<StoreControls>;
  /** First platform id; item i gets idBase + i (e.g. SAM 1001 → sam_id "1001"). */
  idBase?: number;
}

export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  kind: string;
  status: number;
  ms: number;
}

export interface RequestStats {
  total: number;
  byKind: Record<string, number>;
  byStatus: Record<string, number>;
  /** Item quantities written through the API (each batch entry counts). */
  writes: number;
  log: RequestLogEntry[];
}

const LOG_LIMIT = 1_000;

export const DEFAULT_ID_BASE: Record<SimProvider, number> = {
  sam: 1001,
  shopify: 44_000_001,
  woocommerce: 501,
  bigcommerce: 101,
  bc: 1,
};

function defaultCredentials(provider: SimProvider, id: string): SimCredentials {
  return {
    token: `${provider}-sim-${id}-token`,
    key: provider === "woocommerce" ? `ck_sim_${id}` : `sim-client-${id}`,
    secret: provider === "woocommerce" ? `cs_sim_${id}` : `sim-secret-${id}`,
  };
}

export class SimStore {
  readonly key: string;
  readonly provider: SimProvider;
  readonly id: string;
  readonly catalogue: Catalogue;
  readonly idBase: number;
  credentials: SimCredentials;
  controls: StoreControls;
  stats: RequestStats = emptyStats();
  /** Provider-specific state (Business Central subscriptions and tokens, webhook counters). */
  readonly extra = new Map<string, unknown>();
  private window: FixedWindow | undefined;
  private bucket: CostBucket | undefined;

  constructor(spec: StoreSpec) {
    if (!/^[A-Za-z0-9_-]+$/.test(spec.id)) throw new TypeError(`Store id "${spec.id}" must be letters, digits, - or _`);
    this.provider = spec.provider;
    this.id = spec.id;
    this.key = storeKey(spec.provider, spec.id);
    this.catalogue = new Catalogue(spec);
    this.idBase = spec.idBase ?? DEFAULT_ID_BASE[spec.provider];
    this.credentials = { ...defaultCredentials(spec.provider, spec.id), ...spec.credentials };
    this.controls = { ...DEFAULT_CONTROLS, ...spec.controls };
  }

  configure(patch: Partial<StoreControls>): StoreControls {
    this.controls = { ...this.controls, ...patch };
    // Limits restart from full whenever they are reconfigured.
    if ("rateLimit" in patch) this.window = undefined;
    if ("costBucket" in patch) this.bucket = undefined;
    return this.controls;
  }

  takeWindow(now = Date.now()) {
    if (!this.controls.rateLimit) return undefined;
    this.window ??= new FixedWindow(this.controls.rateLimit);
    return this.window.take(now);
  }

  takeCost(cost: number, now = Date.now()) {
    this.bucket ??= new CostBucket(this.controls.costBucket, now);
    return this.bucket.take(cost, now);
  }

  record(entry: RequestLogEntry) {
    this.stats.total += 1;
    this.stats.byKind[entry.kind] = (this.stats.byKind[entry.kind] ?? 0) + 1;
    this.stats.byStatus[entry.status] = (this.stats.byStatus[entry.status] ?? 0) + 1;
    this.stats.log.push(entry);
    if (this.stats.log.length > LOG_LIMIT) this.stats.log.splice(0, this.stats.log.length - LOG_LIMIT);
  }

  count(kind: string, by = 1) {
    this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + by;
  }

  resetStats() {
    this.stats = emptyStats();
  }

  externalId(index: number): number {
    return this.idBase + index;
  }

  /** Maps a platform id back to a live item. */
  itemById(id: number | string): SimItem | undefined {
    const item = this.catalogue.item(Number(id) - this.idBase);
    return item && item.state !== "deleted" ? item : undefined;
  }

  itemBySku(sku: string): SimItem | undefined {
    const index = this.catalogue.indexOfSku(sku);
    return index === undefined ? undefined : this.catalogue.item(index);
  }

  add(spec?: Partial<ItemSpec>): SimItem {
    return this.catalogue.add(spec);
  }
}

function emptyStats(): RequestStats {
  return { total: 0, byKind: {}, byStatus: {}, writes: 0, log: [] };
}

export function storeKey(provider: SimProvider, id: string): string {
  return `${provider}:${id}`;
}

export function parseProvider(value: string): SimProvider {
  const normalized = value.toLowerCase().replace(/[^a-z]/g, "");
  const aliases: Record<string, SimProvider> = { businesscentral: "bc", woo: "woocommerce", bigc: "bigcommerce" };
  const provider = aliases[normalized] ?? normalized;
  if (!(SIM_PROVIDERS as readonly string[]).includes(provider))
    throw new TypeError(`Unknown provider "${value}" (one of ${SIM_PROVIDERS.join(", ")})`);
  return provider as SimProvider;
}

export class StoreRegistry {
  private readonly stores = new Map<string, SimStore>();

  constructor(private readonly defaultSeed: number) {}

  create(spec: StoreSpec): SimStore {
    const store = new SimStore({ seed: this.defaultSeed, ...spec });
    if (this.stores.has(store.key)) throw new Error(`Store ${store.key} already exists`);
    this.stores.set(store.key, store);
    return store;
  }

  /** By "provider:id", or by bare id when only one provider has a store of that id. */
  get(key: string): SimStore | undefined {
    const exact = this.stores.get(key);
    if (exact) return exact;
    if (key.includes(":")) {
      const [provider = "", id = ""] = key.split(":");
      return this.stores.get(storeKey(parseProvider(provider), id));
    }
    const matches = this.list().filter((store) => store.id === key);
    return matches.length === 1 ? matches[0] : undefined;
  }

  find(provider: SimProvider, id: string): SimStore | undefined {
    return this.stores.get(storeKey(provider, id));
  }

  require(key: string): SimStore {
    const store = this.get(key);
    if (!store)
      throw new Error(
        `No simulated store "${key}" (have: ${
          this.list()
            .map((s) => s.key)
            .join(", ") || "none"
        })`,
      );
    return store;
  }

  list(): SimStore[] {
    return [...this.stores.values()];
  }

  delete(key: string): boolean {
    const store = this.get(key);
    return store ? this.stores.delete(store.key) : false;
  }
}
