/**
 * Which path a tenant's delivery takes: the fast path (its own apply run) or the batched path
 * (applied with the tenant's other deliveries). An in-process estimate of each tenant's deliveries
 * over the last second, with no I/O on the acknowledgement path. Above the threshold the tenant is
 * batched, and stays so for `holdMs` after the rate last exceeded it, so a burst does not flap.
 *
 * With several app instances each sees its share of a tenant's traffic. A wrong guess trades only
 * latency for efficiency: both paths apply the same rules, idempotently.
 */
export type Lane = "fast" | "batch";

export interface LaneOptions {
  thresholdPerSecond: number;
  holdMs: number;
}

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

  constructor(private readonly options: LaneOptions = { thresholdPerSecond: 2, holdMs: 5_000 }) {}

  /** Counts one delivery of the tenant and says which path it takes. */
  lane(tenantId: string, now = Date.now()): Lane {
    let rate = this.rates.get(tenantId);
    if (!rate) {
      if (this.rates.size >= MAX_TENANTS) this.forgetIdle(now);
      rate = { windowStart: now, count: 0, previous: 0, batchedUntil: 0 };
      this.rates.set(tenantId, rate);
    }
    const elapsed = now - rate.windowStart;
    if (elapsed >= 1_000) {
      rate.previous = elapsed >= 2_000 ? 0 : rate.count;
      rate.windowStart = now - (elapsed % 1_000);
      rate.count = 0;
    }
    rate.count += 1;
    // Sliding estimate of the last second: this window plus the overlapping part of the previous one.
    const perSecond = rate.count + rate.previous * (1 - (now - rate.windowStart) / 1_000);
    if (perSecond > this.options.thresholdPerSecond) rate.batchedUntil = now + this.options.holdMs;
    return now < rate.batchedUntil ? "batch" : "fast";
  }

  private forgetIdle(now: number) {
    for (const [tenantId, rate] of this.rates)
      if (now - rate.windowStart > 10_000 && now >= rate.batchedUntil) this.rates.delete(tenantId);
  }
}
