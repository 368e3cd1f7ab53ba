import { createHmac } from "node:crypto";
import { type IncomingHttpHeaders } from "node:http";
import { type SimItem } from "./catalogue";
import { type SimProvider, type SimStore } from "./store";
import { type WindowVerdict } from "./limits";

/** The contract between the simulator's HTTP server and each simulated platform. */
export interface SimRequest {
  method: string;
  /** The platform's own path, after the simulator's `/{provider}/{store}` prefix. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The simulator's public origin, for absolute links (OData nextLink, BigCommerce links). */
  origin: string;
  /** The URL prefix that addresses this store, e.g. `/woocommerce/demo`. */
  prefix: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Handled {
  /** Label for the request log, e.g. "woocommerce:products.batch". */
  kind: string;
  response: SimResponse;
  /** Item quantities this call wrote, for benchmarks. */
  writes?: number;
}

export type StockChangeKind = "sale" | "return" | "restock" | "adjustment";

export interface OutgoingWebhook {
  headers: Record<string, string>;
  body: string;
  /** The subscription topic this delivery belongs to (WooCommerce `product.updated`, BigCommerce's scope, Shopify's enum). */
  topic?: string;
}

export interface WebhookContext {
  kind: StockChangeKind;
  secret: string;
  targetUrl: string;
  origin: string;
  /** The subscription delivered to, when the store delivers to its own subscriptions. */
  hook?: { id: number };
  /** How much the change moved the quantity (negative for a sale). */
  delta?: number;
}

export interface ProviderSim {
  provider: SimProvider;
  /** Splits `/{provider}/...` segments into the store id and the platform path. */
  route(segments: string[]): { storeId: string; path: string; prefix: string } | undefined;
  isPublic?(request: SimRequest): boolean;
  authorize(store: SimStore, request: SimRequest): boolean;
  unauthorized(): SimResponse;
  unknownStore(): SimResponse;
  /** Shopify has no request window (it meters cost inside `handle`). */
  windowed: boolean;
  windowHeaders?(verdict: WindowVerdict, store: SimStore): Record<string, string>;
  handle(store: SimStore, request: SimRequest): Promise<Handled> | Handled;
  webhook(store: SimStore, item: SimItem, context: WebhookContext): Promise<OutgoingWebhook> | OutgoingWebhook;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers };
}

export function hmacSha256(secret: string, body: string, encoding: "hex" | "base64"): string {
  return createHmac("sha256", secret).update(body, "utf8").digest(encoding);
}

export function parseJson(body: string): unknown {
  try {
    return body === "" ? undefined : JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function bearer(request: SimRequest): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ""))?.[1];
}

export function basicAuth(request: SimRequest): { user: string; password: string } | undefined {
  const encoded = /^Basic\s+(.+)$/i.exec(String(request.headers.authorization ?? ""))?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function header(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Page-number pagination over live items, as WooCommerce and BigCommerce do it. */
export function pageOf<T>(rows: readonly T[], page: number, perPage: number) {
  const totalPages = Math.max(1, Math.ceil(rows.length / perPage));
  return { rows: rows.slice((page - 1) * perPage, page * perPage), total: rows.length, totalPages };
}

export function intParam(
  query: URLSearchParams,
  name: string,
  fallback: number,
  { min = 1, max = Number.MAX_SAFE_INTEGER } = {},
): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Applies a stock change the way a POS or back office would, returning the item after it. */
export function applyStockChange(store: SimStore, item: SimItem, kind: StockChangeKind, quantity?: number): SimItem {
  const amount = quantity ?? 1;
  const next =
    kind === "sale"
      ? item.quantity - amount
      : kind === "adjustment"
        ? (quantity ?? item.quantity)
        : item.quantity + amount;
  if (kind === "sale" && item.quantity < amount)
    throw new RangeError(`${item.sku} has ${item.quantity} in stock; cannot sell ${amount}`);
  return store.catalogue.setQuantity(item.index, next) ?? item;
}
