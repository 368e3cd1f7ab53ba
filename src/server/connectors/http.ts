import { type z } from "zod";
import { guardedFetch, TooManyRedirectsError } from "@/server/network/guarded-fetch";
import { ResponseTooLargeError } from "@/server/network/pinned-request";
import { UnsafeUrlError, urlPolicyFromEnv, type UrlPolicy } from "@/server/network/url-safety";
import {
  AuthError,
  type ConnectorError,
  NotFoundError,
  RateLimitedError,
  RefusedAddressError,
  RequestRejectedError,
  UnavailableError,
  ValidationError,
} from "./errors";
import { logger } from "@/server/logger";

/**
 * The one way connectors talk to platforms: a timeout on every request, retries only where
 * repeating the call cannot double an effect, rate-limit waits instead of failures, typed
 * errors, and zod validation of every response body. Every request, redirects included, obeys
 * the outbound address rules (src/server/network), and a platform's error body is never put in an
 * error message (tenants read those): it goes to the server log, cut short.
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;
export type Sleep = (ms: number) => Promise<void>;

export interface HttpDeps {
  /** Tests only: a stand-in for the network. Unset, requests go through the address rules. */
  fetch?: FetchLike;
  /** Where raw error bodies go (the server log). */
  log?: (line: string) => void;
  sleep?: Sleep;
  now?: () => number;
  random?: () => number;
}

export interface RetryPolicy {
  timeoutMs: number;
  /** Attempts after the first, for 5xx / timeouts / dropped connections. */
  maxRetries: number;
  /** Separate budget: waiting out a rate limit is expected, not a sign of trouble. */
  maxRateLimitWaits: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is surfaced so the caller can reschedule instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  timeoutMs: 15_000,
  maxRetries: 3,
  maxRateLimitWaits: 10,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** Platform-specific pacing, e.g. BigCommerce's request window read from response headers. */
export interface RateLimitHooks {
  beforeRequest?(): Promise<void>;
  onResponse?(response: Response): void;
}

export interface HttpAuth {
  headers(): Promise<Record<string, string>> | Record<string, string>;
  /** Called once after a 401; returning true retries with fresh headers (expired tokens). */
  refresh?(): Promise<boolean>;
}

export interface HttpClientConfig {
  baseUrl: string;
  /** Which addresses may be called; unset, the environment's rules (OUTBOUND_ALLOW_LIST outside production). */
  network?: UrlPolicy;
  auth?: HttpAuth;
  deps?: HttpDeps;
  policy?: Partial<RetryPolicy>;
  hooks?: RateLimitHooks;
}

/** What createConnector's caller may tune; auth and pacing stay the connector's business. */
export type ConnectorHttpOptions = Pick<HttpClientConfig, "deps" | "policy" | "network">;

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest<T> {
  method: HttpMethod;
  /** Appended to the base URL unless absolute (e.g. an OData nextLink). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
  schema: z.ZodType<T>;
  /** POST/PUT/PATCH are retried only when the caller vouches that repeating them is harmless. */
  idempotent?: boolean;
  policy?: Partial<RetryPolicy>;
}

export interface HttpResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class HttpClient {
  readonly sleep: Sleep;
  readonly now: () => number;
  private readonly fetch: FetchLike;
  private readonly random: () => number;
  private readonly policy: RetryPolicy;
  private readonly log: (line: string) => void;

  constructor(private readonly config: HttpClientConfig) {
    this.fetch = config.deps?.fetch ?? guardedFetch({ policy: config.network ?? urlPolicyFromEnv() });
    this.log = config.deps?.log ?? ((line) => logger.warn({ area: "connectors" }, line));
    this.sleep = config.deps?.sleep ?? realSleep;
    this.now = config.deps?.now ?? Date.now;
    this.random = config.deps?.random ?? Math.random;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...config.policy };
  }

  url(path: string, query?: HttpRequest<unknown>["query"]): string {
    const url = new URL(/^https?:\/\//.test(path) ? path : this.config.baseUrl.replace(/\/+$/, "") + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async request<T>(request: HttpRequest<T>): Promise<HttpResponse<T>> {
    const policy = { ...this.policy, ...request.policy };
    const idempotent = request.method === "GET" || request.idempotent === true;
    let failures = 0;
    let rateLimitWaits = 0;
    let refreshed = false;
    for (;;) {
      const outcome = await this.attempt(request, policy);
      if (!(outcome instanceof Error)) return outcome;

      if (outcome instanceof AuthError && outcome.status === 401 && !refreshed && this.config.auth?.refresh) {
        refreshed = true;
        if (await this.config.auth.refresh()) continue;
      }
      if (outcome instanceof RateLimitedError) {
        // A throttled request was not processed, so repeating it is safe for any method.
        if (rateLimitWaits++ >= policy.maxRateLimitWaits || outcome.retryAfterMs > policy.maxRetryAfterMs)
          throw outcome;
        await this.sleep(outcome.retryAfterMs);
        continue;
      }
      const neverArrived = outcome instanceof UnavailableError && outcome.kind === "connection_refused";
      if (!outcome.retryable || !(idempotent || neverArrived) || failures >= policy.maxRetries) throw outcome;
      await this.sleep(this.backoff(failures++, policy));
    }
  }

  /** Full jitter keeps many tenants' retries from arriving in lockstep. */
  backoff(failures: number, policy: RetryPolicy = this.policy): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** failures);
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  private async attempt<T>(request: HttpRequest<T>, policy: RetryPolicy): Promise<HttpResponse<T> | ConnectorError> {
    await this.config.hooks?.beforeRequest?.();
    const url = this.url(request.path, request.query);
    const label = `${request.method} ${new URL(url).pathname}`;
    const headers: Record<string, string> = {
      accept: "application/json",
      ...(await this.config.auth?.headers()),
      ...request.headers,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === "string" ? request.body : JSON.stringify(request.body);
      headers["content-type"] ??= "application/json";
    }
    const signal = AbortSignal.timeout(policy.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(url, { method: request.method, headers, body, signal });
      text = await response.text();
    } catch (error) {
      return networkError(label, error, policy.timeoutMs);
    }
    this.config.hooks?.onResponse?.(response);
    if (!response.ok) {
      if (text) this.log(`[connectors] ${label} → ${response.status}: ${text.slice(0, 500).replace(/\s+/g, " ")}`);
      return statusError(label, response, this.now());
    }
    return parseBody(label, response, text, request.schema);
  }
}

function parseBody<T>(
  label: string,
  response: Response,
  text: string,
  schema: z.ZodType<T>,
): HttpResponse<T> | ValidationError {
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch (error) {
    return new ValidationError(`${label}: response is not JSON`, [], { status: response.status, cause: error });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "";
    return new ValidationError(`${label}: unexpected response shape (${where})`, parsed.error.issues, {
      status: response.status,
    });
  }
  return { data: parsed.data, status: response.status, headers: response.headers };
}

/** The only words a platform's failed answer turns into: its status and what that status means. */
export function statusReason(status: number): string {
  if (status === 401) return "the platform refused the credentials";
  if (status === 403) return "the credentials lack a permission this needs";
  if (status === 404) return "not found at this address";
  if (status === 409 || status === 412) return "the platform reports a conflicting change";
  if (status === 429) return "rate limited by the platform";
  if (status >= 500) return "the platform had an error";
  return "the platform rejected the request";
}

export function statusError(label: string, response: Response, now: number): ConnectorError {
  const status = response.status;
  const message = `${label} → ${status}: ${statusReason(status)}`;
  if (status === 401 || status === 403) return new AuthError(message, { status });
  if (status === 404) return new NotFoundError(message, { status });
  if (status === 429)
    return new RateLimitedError(message, parseRetryAfter(response.headers.get("retry-after"), now) ?? 1_000, {
      status,
    });
  if (status >= 500) return new UnavailableError(message, "server_error", { status });
  return new RequestRejectedError(message, { status });
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function networkError(label: string, error: unknown, timeoutMs: number): ConnectorError {
  // A name that does not resolve may resolve later (DNS trouble): retryable, unlike a refused address.
  if (error instanceof UnsafeUrlError && error.unresolved)
    return new UnavailableError(`${label}: ${error.message}`, "network", { cause: error });
  if (error instanceof UnsafeUrlError) return new RefusedAddressError(`${label}: ${error.message}`, { cause: error });
  if (error instanceof TooManyRedirectsError || error instanceof ResponseTooLargeError)
    return new ValidationError(`${label}: ${error.message}`, [], { cause: error });
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new UnavailableError(`${label}: no response within ${timeoutMs} ms`, "timeout", { cause: error });
  }
  const code = errorCode(error);
  if (code === "ECONNREFUSED")
    return new UnavailableError(`${label}: connection refused`, "connection_refused", { cause: error });
  return new UnavailableError(`${label}: network error${code ? ` (${code})` : ""}`, "network", { cause: error });
}

/** undici hides the system error code in `cause`, sometimes inside an AggregateError. */
function errorCode(error: unknown, depth = 0): string | undefined {
  if (depth > 4 || typeof error !== "object" || error === null) return undefined;
  const candidate = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof candidate.code === "string" && candidate.code !== "ERR_INVALID_STATE") return candidate.code;
  if (Array.isArray(candidate.errors)) {
    for (const inner of candidate.errors) {
      const code = errorCode(inner, depth + 1);
      if (code) return code;
    }
  }
  return errorCode(candidate.cause, depth + 1);
}
