import {
  AuthError,
  NotFoundError,
  RateLimitedError,
  RefusedAddressError,
  RequestRejectedError,
  UnavailableError,
} from "@/server/connectors/errors";

/** Label values: a closed, small set each, so no series is created per tenant, item or message. */

/** `SHOPIFY` → `shopify`; `unknown` when the request named no connection Stockhook has. */
export function providerLabel(provider: string | null | undefined): string {
  return provider ? provider.toLowerCase() : "unknown";
}

/** What the front door answered: accepted, duplicate, handshake, or the HTTP status (401, 413, 429, 503…). */
export function webhookOutcome(answer: { status: number; body: string }, handshake: boolean): string {
  if (handshake) return "handshake";
  if (answer.status === 200) return answer.body.includes('"status":"DUPLICATE"') ? "duplicate" : "accepted";
  return String(answer.status);
}

/** Why a storefront call failed, from the connector's typed error. */
export function pushFailureReason(error: unknown): string {
  if (error instanceof RateLimitedError) return "rate_limited";
  if (error instanceof UnavailableError) return error.kind === "timeout" ? "timeout" : "unavailable";
  if (error instanceof AuthError) return "auth";
  if (error instanceof NotFoundError) return "not_found";
  if (error instanceof RequestRejectedError) return "rejected";
  if (error instanceof RefusedAddressError) return "refused_address";
  return "other";
}

/** An outbound delivery attempt's result as a label. */
export function outboundOutcome(result: { status: number | null; error: string | null; refused: boolean }): string {
  if (result.refused) return "refused_address";
  if (result.status === null) return "network_error";
  if (result.status >= 200 && result.status < 300 && !result.error) return "delivered";
  if (result.status === 410) return "gone";
  if (result.status >= 500) return "http_5xx";
  if (result.status >= 400) return "http_4xx";
  return "other";
}

/** Where a stock change came from: `webhook: …` and `reconcile: …` sources keep their first word. */
export function changeSource(source: string): string {
  const kind = source.split(":")[0]!.trim();
  return kind === "webhook" || kind === "reconcile" ? kind : "other";
}
