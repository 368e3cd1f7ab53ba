/**
 * The contract every platform connector meets. Sources report where stock truly changed;
 * channels are told what to show. Quantities are absolute so that retries, duplicates and
 * reordering never compound.
 */
export const PROVIDERS = ["SAM", "SHOPIFY", "WOOCOMMERCE", "BIGCOMMERCE", "BUSINESS_CENTRAL"] as const;
export type ConnectorProvider = (typeof PROVIDERS)[number];

export type StockStatus = "AVAILABLE" | "SOLD" | "OUT_OF_STOCK" | "ARCHIVED";
export type StockReason = "sale" | "return" | "restock" | "adjustment" | "sync";

export interface SourceStockItem {
  externalId: string;
  sku: string;
  title: string;
  quantity: number;
  status: StockStatus;
  oneOfAKind?: boolean;
  updatedAt: Date;
  locationId?: string;
}

export interface StockEvent {
  externalId: string;
  sku?: string;
  quantity: number;
  status?: StockStatus;
  reason: StockReason;
  sourceAt: Date;
  eventId?: string;
  locationId?: string;
}

export interface StockPage {
  items: SourceStockItem[];
  /** Opaque; pass back unchanged. `null` once the scan has reached the end. */
  nextCursor: string | null;
}

export interface ListStockOptions {
  cursor?: string;
  updatedSince?: Date;
}

export interface StockUpdate {
  externalId: string;
  quantity: number;
  status: StockStatus;
  locationId?: string;
  /** What the channel showed when Stockhook last saw it; Shopify's compare-and-set quotes it. */
  lastSeenQuantity?: number;
}

/** What the channel shows after the push (it can differ from the request when a channel sale raced it). */
export interface SetStockResult {
  quantity: number;
}

export interface BatchResult {
  /** One per platform call, so callers can see how the batch was split. */
  calls: number;
  updated: number;
  /** Updates the platform refused one by one while taking the rest (WooCommerce's per-row errors). */
  rejected?: { externalId: string; error: string }[];
  /** What the channel shows after the call, by external id, where it can differ from the request (Shopify). */
  shown?: Record<string, number>;
}

/** Delivery metadata that lives in headers rather than in the body. */
export interface WebhookMeta {
  eventId?: string;
  receivedAt?: Date;
}

export type TestConnectionFailure =
  | "bad_credentials"
  | "unreachable"
  | "wrong_store_url"
  | "unavailable"
  | "rate_limited"
  | "unexpected_response"
  | "refused_address";

export type TestConnectionResult =
  { ok: true; detail: string } | { ok: false; reason: TestConnectionFailure; message: string };

export interface BaseConnector {
  readonly provider: ConnectorProvider;
  testConnection(): Promise<TestConnectionResult>;
}

export interface SourceConnector extends BaseConnector {
  listStock(options?: ListStockOptions): Promise<StockPage>;
  getItem(externalId: string): Promise<SourceStockItem>;
  /** Async because some platforms (Business Central) notify without the stock itself. */
  normalizeWebhook(topic: string, payload: unknown, meta?: WebhookMeta): Promise<StockEvent[]>;
}

export interface ChannelConnector extends BaseConnector {
  setStock(update: StockUpdate): Promise<SetStockResult | void>;
  setStockBatch(updates: readonly StockUpdate[]): Promise<BatchResult>;
  listStock(options?: Pick<ListStockOptions, "cursor">): Promise<StockPage>;
}

/** A one-of-a-kind piece at zero is sold for good; anything else at zero can be restocked. */
export function statusForQuantity(quantity: number, oneOfAKind: boolean | undefined): StockStatus {
  if (quantity > 0) return "AVAILABLE";
  return oneOfAKind ? "SOLD" : "OUT_OF_STOCK";
}

/** Channels have no notion of "sold": anything not available is shown as zero on hand. */
export function channelQuantity(update: Pick<StockUpdate, "quantity" | "status">): number {
  return update.status === "AVAILABLE" ? Math.max(0, update.quantity) : 0;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
