import { requestPinned } from "@/server/network/pinned-request";
import {
  checkTarget,
  systemResolver,
  UnsafeUrlError,
  type CheckedTarget,
  type Resolver,
  type UrlPolicy,
} from "@/server/network/url-safety";

/**
 * One POST of a signed payload to a tenant's URL. Redirects are followed by hand (at most 5) so
 * each hop is judged like the first; every hop connects to the address its check approved (the
 * URL's host goes in Host and TLS SNI, so certificates are still verified against the name). The
 * whole attempt, redirects included, has one deadline. Only the first 2 KiB of the answer is kept.
 */
export const DELIVERY_TIMEOUT_MS = 10_000;
export const MAX_REDIRECTS = 5;
export const STORED_RESPONSE_BYTES = 2048;

export interface HttpOutcome {
  status: number | null;
  /** The start of the answer's body (UTF-8, at most STORED_RESPONSE_BYTES bytes, marked when cut). */
  body: string | null;
  error: string | null;
  /** The target was refused before any request (SSRF rules); retrying will not help. */
  refused: boolean;
  latencyMs: number;
  redirects: number;
}

export interface DeliveryOptions {
  policy: UrlPolicy;
  resolve?: Resolver;
  timeoutMs?: number;
  /** Tests only: where a checked address is really dialled (a public test address → the local receiver). */
  dial?: (address: string) => string;
  /** Tests only: a certificate authority to trust besides the system's (a local TLS receiver's). */
  ca?: string;
}

interface HopResult {
  status: number;
  location: string | null;
  body: string;
}

async function requestHop(
  target: CheckedTarget,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
  ca?: string,
): Promise<HopResult> {
  const response = await requestPinned(target, {
    method: "POST",
    headers,
    body,
    signal,
    ca,
    maxBodyBytes: STORED_RESPONSE_BYTES,
    overflow: "truncate",
  });
  const text = response.body.toString("utf8");
  const location = response.headers.location;
  return {
    status: response.status,
    location: location ?? null,
    body: response.truncated ? `${text}… [truncated]` : text,
  };
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError"))
    return `no answer within ${timeoutMs / 1000} s`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

export async function postSigned(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  options: DeliveryOptions,
): Promise<HttpOutcome> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url = rawUrl;
  for (let redirects = 0; ; redirects += 1) {
    let hop: HopResult;
    try {
      const target = await checkTarget(url, options.policy, options.resolve ?? systemResolver);
      hop = await requestHop(
        options.dial ? { ...target, address: options.dial(target.address) } : target,
        body,
        headers,
        signal,
        options.ca,
      );
    } catch (error) {
      const refused = error instanceof UnsafeUrlError;
      const where = redirects > 0 ? ` (after a redirect to ${url})` : "";
      return {
        status: null,
        body: null,
        error: `${describeError(error, timeoutMs)}${where}`,
        refused,
        latencyMs: elapsed(),
        redirects,
      };
    }
    const isRedirect = [301, 302, 303, 307, 308].includes(hop.status) && hop.location;
    if (!isRedirect)
      return {
        status: hop.status,
        body: hop.body || null,
        error: null,
        refused: false,
        latencyMs: elapsed(),
        redirects,
      };
    if (redirects >= MAX_REDIRECTS)
      return {
        status: hop.status,
        body: hop.body || null,
        error: `more than ${MAX_REDIRECTS} redirects`,
        refused: false,
        latencyMs: elapsed(),
        redirects,
      };
    url = new URL(hop.location!, url).toString();
  }
}
