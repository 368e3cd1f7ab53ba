/**
 * Which path a tenant's delivery takes: the fast path (its own apply run) or the batched path
 * (applied with the tenant's other deliveries). An in-process estimate of each tenant's deliveries
 * per second over the last `windowMs`, with no I/O on the acknowledgement path. Above the threshold
 * the tenant is batched, and stays so for `holdMs` after the rate last exceeded it, so a burst does
 * not flap. The window is five seconds, not one: deliveries reach this count when their request is
 * handled, and an instance busy with another tenant's burst handles a quiet tenant's sales, sent a
 * second apart, in bunches of two or three. Over one second that looked like a burst and sent half
 * of a quiet tenant's sales to the batched path, behind the burst (docs/pipeline.md).
 *
 * With several app instances each sees its share of a tenant's traffic. A wrong guess trades only
 * latency for efficiency: both paths apply the same rules, idempotently.
 */
export type Lane = "fast" | "batch";

export interface LaneOptions {
  thresholdPerSecond: number;
  holdMs: number;
  /** The span the rate is averaged over. */
  windowMs?: number;
}

const DEFAULT_WINDOW_MS = 5_000;

interface TenantRate {
  windowStart: number;
  count: number;
  previous: number;
  batchedUntil: number;
}

/** Tenants remembered before idle ones are forgotten. */
const MAX_TENANTS = 50_000;

export class TenantLanes {
  private readonly rates = new Map<string, TenantRate>();

  private readonly windowMs: number;

  constructor(private readonly options: LaneOptions = { thresholdPerSecond: 2, holdMs: 5_000 }) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  }

  /** Counts one delivery of the tenant and says which path it takes. */
  lane(tenantId: string, now = Date.now()): Lane {
    let rate = this.rates.get(tenantId);
    if (!rate) {
      if (this.rates.size >= MAX_TENANTS) this.forgetIdle(now);
      rate = { windowStart: now, count: 0, previous: 0, batchedUntil: 0 };
      this.rates.set(tenantId, rate);
    }
    const window = this.windowMs;
    const elapsed = now - rate.windowStart;
    if (elapsed >= window) {
      rate.previous = elapsed >= 2 * window ? 0 : rate.count;
      rate.windowStart = now - (elapsed % window);
      rate.count = 0;
    }
    rate.count += 1;
    // Sliding estimate of the last window: this one plus the overlapping part of the previous one.
    const inWindow = rate.count + rate.previous * (1 - (now - rate.windowStart) / window);
    const perSecond = inWindow / (window / 1_000);
    if (perSecond > this.options.thresholdPerSecond) rate.batchedUntil = now + this.options.holdMs;
    return now < rate.batchedUntil ? "batch" : "fast";
  }

  /** Whether the tenant's deliveries are going to the batched path now, without counting one. */
  isBatched(tenantId: string, now = Date.now()): boolean {
    return now < (this.rates.get(tenantId)?.batchedUntil ?? 0);
  }

  private forgetIdle(now: number) {
    for (const [tenantId, rate] of this.rates)
      if (now - rate.windowStart > 2 * this.windowMs && now >= rate.batchedUntil) this.rates.delete(tenantId);
  }
}
