import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import type { PrismaClient } from "@/generated/prisma/client";
import { clientAddressOf } from "@/server/network/source-address";
import { DomainError } from "@/server/errors";

/**
 * Limits on the account endpoints, kept in the database (rate-limiter-flexible's Prisma store,
 * table "RateLimiterFlexible") so every instance behind a load balancer counts together. The same
 * store serves PostgreSQL and the embedded PGlite (one process there, so it is exact too).
 */
export const ACCOUNT_LIMITS = {
  /** Failed sign-ins from one address: 50 per 15 minutes. */
  signInFailuresPerIp: { points: 50, duration: 15 * 60 },
  /** Failed sign-ins for one account (whether it exists or not): 10 per 15 minutes, then 15 minutes blocked. */
  signInFailuresPerAccount: { points: 10, duration: 15 * 60, blockDuration: 15 * 60 },
  /** Sign-ups, resends and reset requests from one address: 20 per hour. */
  accountRequestsPerIp: { points: 20, duration: 60 * 60 },
  /** Mails to one address (verification, sign-up attempt, reset): 5 per hour. */
  mailsPerAddress: { points: 5, duration: 60 * 60 },
} as const;

export type AccountLimitName = keyof typeof ACCOUNT_LIMITS;

export class RateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      "RATE_LIMITED",
      `Too many attempts. Try again in ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minute(s).`,
    );
    this.name = "RateLimitedError";
  }
}

export type AccountLimiters = Record<AccountLimitName, RateLimiterPrisma>;

const byClient = new WeakMap<object, AccountLimiters>();

export function accountLimiters(prisma: PrismaClient): AccountLimiters {
  const existing = byClient.get(prisma);
  if (existing) return existing;
  const limiters = Object.fromEntries(
    Object.entries(ACCOUNT_LIMITS).map(([name, options]) => [
      name,
      new RateLimiterPrisma({
        storeClient: prisma,
        tableName: "rateLimiterFlexible",
        keyPrefix: `account_${name}`,
        ...options,
      }),
    ]),
  ) as AccountLimiters;
  byClient.set(prisma, limiters);
  return limiters;
}

/** Throws RateLimitedError when the key has no points left; otherwise does nothing. */
export async function assertNotLimited(limiter: RateLimiterPrisma, key: string): Promise<void> {
  const state = await limiter.get(key);
  if (state && state.remainingPoints <= 0) throw new RateLimitedError(state.msBeforeNext / 1000);
}

/** Takes one point; throws RateLimitedError when there was none left. */
export async function consume(limiter: RateLimiterPrisma, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimitedError(error.msBeforeNext / 1000);
    throw error;
  }
}

/**
 * The client's address for per-IP limits, as the trusted proxies report it; requests whose
 * address cannot be trusted share one bucket, so spoofed headers buy no extra attempts.
 */
export function clientAddress(headers: Headers): string {
  return clientAddressOf(headers) ?? "unknown";
}

/** Account keys are the normalised address, so casing or spacing does not buy extra attempts. */
export function accountKey(email: string): string {
  return email.trim().toLowerCase();
}
