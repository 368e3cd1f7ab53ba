import type { IncomingHttpHeaders } from "node:http";
import { requestPinned } from "./pinned-request";
import { checkTarget, systemResolver, UnsafeUrlError, type Resolver, type UrlPolicy } from "./url-safety";

/**
 * A fetch for connectors that obeys the address rules: every hop (the first request and each
 * redirect) is checked and dialled at the address its check approved, with TLS verified against
 * the name. Redirects are followed by hand, as fetch would (303, and 301/302 after a POST, become
 * a GET without a body), and credentials in headers are not carried to another origin.
 * A refused address throws UnsafeUrlError; an answer over `maxBodyBytes` throws too.
 */
export const MAX_CONNECTOR_REDIRECTS = 5;
/** Far above any page a platform sends (BC pages of 20,000 items are about 10 MB), far below memory trouble. */
export const MAX_CONNECTOR_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface GuardedFetchOptions {
  policy: UrlPolicy;
  resolve?: Resolver;
  maxRedirects?: number;
  maxBodyBytes?: number;
}

export type GuardedFetch = (url: string, init: RequestInit) => Promise<Response>;

export class TooManyRedirectsError extends Error {
  constructor(limit: number) {
    super(`more than ${limit} redirects`);
    this.name = "TooManyRedirectsError";
  }
}

const CREDENTIAL_HEADERS = [
  "authorization",
  "cookie",
  "x-shopify-access-token",
  "x-auth-token",
  "x-api-key",
  "api-key",
  "proxy-authorization",
];
const NO_BODY_STATUSES = new Set([204, 205, 304]);

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  return Object.fromEntries(new Headers(init).entries());
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

export function guardedFetch(options: GuardedFetchOptions): GuardedFetch {
  const maxRedirects = options.maxRedirects ?? MAX_CONNECTOR_REDIRECTS;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_CONNECTOR_RESPONSE_BYTES;
  return async (rawUrl, init) => {
    const signal = init.signal ?? AbortSignal.timeout(30_000);
    let url = rawUrl;
    let method = (init.method ?? "GET").toUpperCase();
    let headers = headerRecord(init.headers);
    let body = typeof init.body === "string" ? init.body : init.body == null ? undefined : String(init.body);
    for (let redirects = 0; ; redirects += 1) {
      const target = await checkTarget(url, options.policy, options.resolve ?? systemResolver);
      const answer = await requestPinned(target, {
        method,
        headers,
        body,
        signal,
        maxBodyBytes,
        overflow: "fail",
        keepAlive: true,
      });
      const location = answer.headers.location;
      if (![301, 302, 303, 307, 308].includes(answer.status) || !location) {
        return new Response(NO_BODY_STATUSES.has(answer.status) ? null : new Uint8Array(answer.body), {
          status: answer.status,
          headers: toHeaders(answer.headers),
        });
      }
      if (redirects >= maxRedirects) throw new TooManyRedirectsError(maxRedirects);
      const next = new URL(location, url);
      const crossOrigin = next.origin !== target.url.origin;
      // 307/308 resend the body, and a token request's body holds the client secret: it goes to
      // the origin it was meant for or nowhere.
      if (crossOrigin && body !== undefined && (answer.status === 307 || answer.status === 308))
        throw new UnsafeUrlError(
          "the platform redirected a request with a body to another origin; Stockhook does not resend it there",
        );
      if (crossOrigin)
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.includes(name)));
      if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === "POST")) {
        method = method === "HEAD" ? "HEAD" : "GET";
        body = undefined;
        headers = Object.fromEntries(
          Object.entries(headers).filter(([name]) => name !== "content-type" && name !== "content-length"),
        );
      }
      url = next.toString();
    }
  };
}
