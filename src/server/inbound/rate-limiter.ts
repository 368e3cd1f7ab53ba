/**
 * Token buckets per key, in memory: a key may burst up to `burst` requests and is then held to
 * `perSecond`. These limits are per process on purpose: their job is to shed a flood before it
 * costs a database round trip, and a shared store (PostgreSQL) would cost exactly that round
 * trip per request. With N instances a key can get N times the limit; docs/security-webhooks.md
 * says why that is acceptable. The keys are attacker-chosen (source addresses), so idle buckets
 * are dropped once there are more than `maxKeys`: an idle bucket is full, the same as no bucket.
 */
export interface RateLimitDecision {
  allowed: boolean;
  retryAfterSeconds: number;
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
