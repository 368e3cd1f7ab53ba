/**
 * The two rate-limit models the simulated platforms use: a fixed request window (SAM,
 * WooCommerce, BigCommerce, Business Central) and Shopify's leaky bucket of query cost.
 */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export interface WindowVerdict {
  allowed: boolean;
  left: number;
  resetMs: number;
}

export class FixedWindow {
  private windowStart = 0;
  private used = 0;

  constructor(readonly config: WindowLimit) {}

  take(now = Date.now()): WindowVerdict {
    if (now - this.windowStart >= this.config.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    const resetMs = Math.max(0, this.windowStart + this.config.windowMs - now);
    if (this.used >= this.config.limit) return { allowed: false, left: 0, resetMs };
    this.used += 1;
    return { allowed: true, left: this.config.limit - this.used, resetMs };
  }
}

export interface BucketLimit {
  maximumAvailable: number;
  restoreRate: number;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class CostBucket {
  private available: number;
  private at: number;

  constructor(
    readonly config: BucketLimit,
    now = Date.now(),
  ) {
    this.available = config.maximumAvailable;
    this.at = now;
  }

  private refill(now: number) {
    this.available = Math.min(
      this.config.maximumAvailable,
      this.available + ((now - this.at) / 1000) * this.config.restoreRate,
    );
    this.at = now;
  }

  /** Deducts `cost` when the bucket holds it; either way reports the level afterwards. */
  take(cost: number, now = Date.now()): { allowed: boolean; status: ThrottleStatus } {
    this.refill(now);
    const allowed = this.available >= cost;
    if (allowed) this.available -= cost;
    return { allowed, status: { ...this.config, currentlyAvailable: Math.floor(this.available) } };
  }
}
