import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import type { CheckedTarget } from "./url-safety";

/**
 * One HTTP request to the address a URL check approved (never a second DNS answer). The URL's
 * host goes in Host and TLS SNI, so certificates are still verified against the name. The body
 * read is capped: past `maxBodyBytes` the answer is cut (and marked) or the request fails.
 */
export interface PinnedRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  maxBodyBytes: number;
  /** `truncate` keeps the first maxBodyBytes; `fail` rejects with ResponseTooLargeError. */
  overflow: "truncate" | "fail";
  /** Tests only: a certificate authority to trust besides the system's (a local TLS receiver's). */
  ca?: string;
  /**
   * Reuse connections (connectors page through catalogues: a TLS handshake per page adds up).
   * Pools are keyed by the dialled address and the TLS name, so a pooled socket only ever serves
   * the address its check approved.
   */
  keepAlive?: boolean;
}

const keepAliveAgents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

export interface PinnedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

export class ResponseTooLargeError extends Error {
  constructor(limit: number) {
    super(`the response is larger than ${limit} bytes`);
    this.name = "ResponseTooLargeError";
  }
}

/**
 * A pooled socket that the server closed while it sat idle fails at once with ECONNRESET, before
 * the request reached the server (Node's documented keep-alive race): such a request is sent once
 * more, on a fresh socket. A reset on a socket of its own is the server's answer and is not retried.
 */
export async function requestPinned(target: CheckedTarget, request: PinnedRequest): Promise<PinnedResponse> {
  try {
    return await requestOnce(target, request);
  } catch (error) {
    if (!(error instanceof StaleSocketError) || request.signal.aborted) throw unwrap(error);
    return requestOnce(target, request).catch((second: unknown) => {
      throw unwrap(second);
    });
  }
}

class StaleSocketError extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

const unwrap = (error: unknown) => (error instanceof StaleSocketError ? error.original : error);

function requestOnce(target: CheckedTarget, request: PinnedRequest): Promise<PinnedResponse> {
  const { url, address, family } = target;
  const client = url.protocol === "https:" ? https : http;
  const headers: Record<string, string> = { ...request.headers, host: url.host };
  if (request.body !== undefined) headers["content-length"] = String(Buffer.byteLength(request.body));
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      {
        host: address,
        family,
        port: url.port || (url.protocol === "https:" ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers,
        // Certificates are checked against the name in the URL, not the address dialled.
        ...(url.protocol === "https:" && !isIP(url.hostname.replace(/^\[|\]$/g, ""))
          ? { servername: url.hostname }
          : {}),
        agent: request.keepAlive ? keepAliveAgents[url.protocol === "https:" ? "https" : "http"] : false,
        signal: request.signal,
        ...(request.ca ? { ca: request.ca } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let truncated = false;
        let settled = false;
        const finish = () => {
          if (settled) return;
          settled = true;
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
            truncated,
          });
        };
        response.on("data", (chunk: Buffer) => {
          if (settled) return;
          const room = request.maxBodyBytes - kept;
          if (chunk.length > room) {
            if (request.overflow === "fail") {
              settled = true;
              response.destroy();
              reject(new ResponseTooLargeError(request.maxBodyBytes));
              return;
            }
            chunks.push(chunk.subarray(0, room));
            kept += room;
            truncated = true;
            response.destroy();
            finish();
            return;
          }
          chunks.push(chunk);
          kept += chunk.length;
        });
        response.on("end", finish);
        response.on("error", (error) => {
          if (!settled) {
            settled = true;
            reject(error);
          }
        });
      },
    );
    outgoing.on("error", (error: NodeJS.ErrnoException) =>
      reject(outgoing.reusedSocket && error.code === "ECONNRESET" ? new StaleSocketError(error) : error),
    );
    outgoing.end(request.body);
  });
}
