import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { checkTarget, systemResolver, UnsafeUrlError, type Resolver, type UrlPolicy } from "./url-safety";

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

function requestHop(target: Awaited<ReturnType<typeof checkTarget>>, body: string, headers: Record<string, string>, signal: AbortSignal, ca?: string): Promise<HopResult> {
  const { url, address, family } = target;
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      {
        host: address,
        family,
        port: url.port || (url.protocol === "https:" ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: "POST",
        headers: { ...headers, host: url.host, "content-length": String(Buffer.byteLength(body)) },
        // Certificates are checked against the name the tenant gave, not the address we dialled.
        ...(url.protocol === "https:" && !isIP(url.hostname.replace(/^\[|\]$/g, "")) ? { servername: url.hostname } : {}),
        agent: false,
        signal,
        ...(ca ? { ca } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let cut = false;
        const finish = () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: response.statusCode ?? 0, location: response.headers.location ?? null, body: cut ? `${text}… [truncated]` : text });
        };
        response.on("data", (chunk: Buffer) => {
          if (kept >= STORED_RESPONSE_BYTES) {
            cut = true;
            response.destroy();
            finish();
            return;
          }
          const room = STORED_RESPONSE_BYTES - kept;
          if (chunk.length > room) cut = true;
          chunks.push(chunk.subarray(0, room));
          kept += Math.min(room, chunk.length);
        });
        response.on("end", finish);
        response.on("error", (error) => (cut ? undefined : reject(error)));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) return `no answer within ${timeoutMs / 1000} s`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

export async function postSigned(rawUrl: string, body: string, headers: Record<string, string>, options: DeliveryOptions): Promise<HttpOutcome> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let url = rawUrl;
  for (let redirects = 0; ; redirects += 1) {
    let hop: HopResult;
    try {
      const target = await checkTarget(url, options.policy, options.resolve ?? systemResolver);
      hop = await requestHop(options.dial ? { ...target, address: options.dial(target.address) } : target, body, headers, signal, options.ca);
    } catch (error) {
      const refused = error instanceof UnsafeUrlError;
      const where = redirects > 0 ? ` (after a redirect to ${url})` : "";
      return { status: null, body: null, error: `${describeError(error, timeoutMs)}${where}`, refused, latencyMs: elapsed(), redirects };
    }
    const isRedirect = [301, 302, 303, 307, 308].includes(hop.status) && hop.location;
    if (!isRedirect) return { status: hop.status, body: hop.body || null, error: null, refused: false, latencyMs: elapsed(), redirects };
    if (redirects >= MAX_REDIRECTS) return { status: hop.status, body: hop.body || null, error: `more than ${MAX_REDIRECTS} redirects`, refused: false, latencyMs: elapsed(), redirects };
    url = new URL(hop.location!, url).toString();
  }
}
