import { applyStockChange, type StockChangeKind } from "./http";
import { providerSim } from "./providers";
import { type SimStore } from "./store";

/**
 * Simulates a stock change at the platform (a POS sale, a return, a restock, a manual
 * adjustment) and delivers the webhook that platform would send for it, in its real shape and
 * with its real signature headers, to a Stockhook endpoint.
 */
export interface EmitWebhookOptions {
  store: SimStore;
  kind: StockChangeKind;
  sku: string;
  /** Units sold/returned/restocked (default 1); for "adjustment", the new absolute level. */
  quantity?: number;
  targetUrl: string;
  /** The signing secret (SAM, Shopify, WooCommerce), header token (BigCommerce) or clientState (Business Central). */
  secret: string;
  /** The simulator's URL, used where a payload names its source (WooCommerce). */
  origin?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface EmitWebhookResult {
  status: number;
  responseBody: string;
  /** What was sent, so tests can replay or tamper with it. */
  request: { url: string; headers: Record<string, string>; body: string };
  quantityAfter: number;
}

export async function emitWebhook(options: EmitWebhookOptions): Promise<EmitWebhookResult> {
  const { store, kind, sku, targetUrl, secret } = options;
  const item = store.itemBySku(sku);
  if (!item) throw new RangeError(`${store.key} has no item with sku ${sku}`);
  const changed = applyStockChange(store, item, kind, options.quantity);
  const outgoing = await providerSim(store.provider).webhook(store, changed, {
    kind,
    secret,
    targetUrl,
    origin: options.origin ?? "http://127.0.0.1",
  });
  const headers = {
    "content-type": "application/json",
    "user-agent": `Stockhook-Simulator/${store.provider}`,
    ...outgoing.headers,
  };
  const response = await (options.fetch ?? fetch)(targetUrl, {
    method: "POST",
    headers,
    body: outgoing.body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  store.count(`webhook:${kind}`);
  return {
    status: response.status,
    responseBody: await response.text(),
    request: { url: targetUrl, headers, body: outgoing.body },
    quantityAfter: changed.quantity,
  };
}
