/**
 * The request headers an accepted delivery keeps so it can be replayed exactly: all of them,
 * the signature headers included, except those that describe one hop rather than the request
 * (RFC 9110 §7.6.1), those any client recomputes from the body or the URL (content-length, host),
 * and those our own proxies and Next.js add in front of the app (the platform never sent them).
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);
const RECOMPUTED = new Set(["content-length", "host"]);
const ADDED_IN_FRONT = new Set(["forwarded", "via", "x-real-ip"]);
const ADDED_IN_FRONT_PREFIXES = ["x-forwarded-", "x-middleware-", "x-invoke-", "x-nextjs-"];

/** Bounds what one delivery can make us store (Node already refuses more than 16 KiB of headers). */
export const MAX_STORED_HEADERS = 100;

export function isStoredRequestHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    !HOP_BY_HOP.has(lower) &&
    !RECOMPUTED.has(lower) &&
    !ADDED_IN_FRONT.has(lower) &&
    !ADDED_IN_FRONT_PREFIXES.some((prefix) => lower.startsWith(prefix))
  );
}

/** The headers as stored: lower-case names; repeated headers joined with ", " as fetch's Headers does. */
export function storedRequestHeaders(headers: Headers): Record<string, string> {
  const kept: [string, string][] = [];
  for (const [name, value] of headers) {
    if (kept.length >= MAX_STORED_HEADERS) break;
    if (isStoredRequestHeader(name)) kept.push([name, value]);
  }
  return Object.fromEntries(kept);
}
