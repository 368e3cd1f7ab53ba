import {
  AuthError,
  ConnectorError,
  NotFoundError,
  RateLimitedError,
  RefusedAddressError,
  UnavailableError,
  ValidationError,
} from "./errors";
import { type TestConnectionResult } from "./types";

/**
 * Runs a connector's cheapest authenticated call and turns the outcome into words a tenant
 * can act on: wrong key, wrong address, or the platform being down.
 */
export async function probeConnection(call: () => Promise<string>): Promise<TestConnectionResult> {
  try {
    return { ok: true, detail: await call() };
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return { ok: false, reason: failureReason(error), message: error.message };
  }
}

function failureReason(error: ConnectorError) {
  if (error instanceof RefusedAddressError) return "refused_address" as const;
  if (error instanceof AuthError) return "bad_credentials" as const;
  if (error instanceof NotFoundError) return "wrong_store_url" as const;
  if (error instanceof RateLimitedError) return "rate_limited" as const;
  if (error instanceof ValidationError) return "unexpected_response" as const;
  if (error instanceof UnavailableError && error.kind !== "server_error") return "unreachable" as const;
  return "unavailable" as const;
}

/** Probes fail fast: a tenant waiting on a button should not sit through a backoff schedule. */
export const PROBE_POLICY = { timeoutMs: 5_000, maxRetries: 0, maxRateLimitWaits: 1, maxRetryAfterMs: 2_000 };
