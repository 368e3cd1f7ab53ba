import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { PrismaClient } from "@/generated/prisma/client";

/**
 * Token buckets per key, in memory: a key may burst up to `burst` requests and is then held to
 * `perSecond`. On their own they are per process: their job is to shed a flood before it costs
 * a database round trip. The per-connection limit, which must hold across instances, puts a
 * SharedRateLimiter behind one of these. The keys are attacker-chosen (source addresses), so idle
 * buckets are dropped once there are more than `maxKeys`: an idle bucket is full, the same as no
 * bucket.
 */
export interface RateLimitDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

/** What ingestion asks of a limit: one token per request, answered at once or after a round trip. */
export interface RateLimit {
  take(key: string): RateLimitDecision | Promise<RateLimitDecision>;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Spends one token if there is one. */
  take(key: string): RateLimitDecision {
    const bucket = this.refill(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return this.refusal(bucket.tokens);
  }

  /** Whether a token is left, without spending it. */
  check(key: string): RateLimitDecision {
    const bucket = this.buckets.get(key);
    if (!bucket) return { allowed: true, retryAfterSeconds: 0 };
    const tokens = Math.min(this.burst, bucket.tokens + ((this.now() - bucket.updatedAt) / 1000) * this.perSecond);
    return tokens >= 1 ? { allowed: true, retryAfterSeconds: 0 } : this.refusal(tokens);
  }

  private refusal(tokens: number): RateLimitDecision {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.perSecond)) };
  }

  private refill(key: string) {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.dropIdle(now);
      bucket = { tokens: this.burst, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  private dropIdle(now: number): void {
    const refillMs = (this.burst / this.perSecond) * 1000;
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedAt >= refillMs) this.buckets.delete(key);
    // Still full of busy keys: forget the oldest half rather than grow without bound.
    if (this.buckets.size >= this.maxKeys) {
      let drop = Math.ceil(this.buckets.size / 2);
      for (const key of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(key);
      }
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}

/**
 * A limit every instance counts together: this process's token bucket first (a flood past the
 * limit is shed without a round trip), then a fixed window of `burst` points per `burst /
 * perSecond` seconds in PostgreSQL (rate-limiter-flexible's PostgreSQL store on the
 * `WebhookRateWindow` table: one `INSERT … ON CONFLICT … RETURNING` per delivery, where its Prisma
 * store takes a delete and an upsert) — the same average rate and the same burst as the bucket.
 * Once a key has used up its window, this process refuses it from memory until the window ends
 * (`inMemoryBlockOnConsumed`), so a flood costs the database nothing more either. If the store
 * cannot be reached the local bucket's answer stands: the delivery's own write then fails the same
 * way (503, retried).
 */
export class SharedRateLimiter implements RateLimit {
  private readonly store: RateLimiterPostgres;

  constructor(
    private readonly local: RateLimiter,
    prisma: PrismaClient,
    options: { perSecond: number; burst: number; keyPrefix: string },
  ) {
    this.store = new RateLimiterPostgres({
      storeClient: asPgPool(prisma),
      storeType: "pool",
      tableName: "WebhookRateWindow",
      // The table is the migration's, not the store's to create.
      tableCreated: true,
      keyPrefix: options.keyPrefix,
      points: options.burst,
      duration: Math.max(1, Math.round(options.burst / options.perSecond)),
      inMemoryBlockOnConsumed: options.burst,
    });
  }

  async take(key: string): Promise<RateLimitDecision> {
    const local = this.local.take(key);
    if (!local.allowed) return local;
    try {
      await this.store.consume(key);
      return local;
    } catch (error) {
      if (error instanceof RateLimiterRes)
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
      return local;
    }
  }
}

/**
 * The node-postgres `query` the PostgreSQL store calls, answered on Prisma's own pool (no second
 * pool of connections). Its statements are its own, with bound parameters. Prisma reads `bigint`
 * columns as BigInt, which the store's arithmetic on `expire` (epoch milliseconds) cannot mix with
 * numbers: they are handed back as numbers.
 */
function asPgPool(prisma: PrismaClient) {
  return {
    async query({ text, values = [] }: { text: string; values?: unknown[] }) {
      const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
      const parsed = rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([column, value]) => [column, typeof value === "bigint" ? Number(value) : value]),
        ),
      );
      return { rows: parsed, rowCount: parsed.length };
    },
  };
}
