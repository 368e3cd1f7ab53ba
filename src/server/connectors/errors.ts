import { type z } from "zod";

/**
 * Typed failures of a platform call. `retryable` tells the pipeline whether waiting and
 * trying again can help, so callers never need to inspect status codes themselves.
 */
export abstract class ConnectorError extends Error {
  abstract readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
  }
}

export class AuthError extends ConnectorError {
  readonly retryable = false;
}

export class NotFoundError extends ConnectorError {
  readonly retryable = false;
}

/** A 4xx other than auth/not-found/rate-limit: the request itself is wrong. */
export class RequestRejectedError extends ConnectorError {
  readonly retryable = false;
}

/** The address is one Stockhook does not call (private, loopback, plain http…): fix the URL, don't retry. */
export class RefusedAddressError extends ConnectorError {
  readonly retryable = false;
}

export class RateLimitedError extends ConnectorError {
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

export type UnavailableKind = "server_error" | "timeout" | "connection_refused" | "network";

export class UnavailableError extends ConnectorError {
  readonly retryable = true;
  constructor(
    message: string,
    readonly kind: UnavailableKind,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

export class ValidationError extends ConnectorError {
  readonly retryable = false;
  constructor(
    message: string,
    readonly issues: z.core.$ZodIssue[],
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof ConnectorError && error.retryable;
}
