import { describe, expect, it } from "vitest";
import { TenantLanes } from "./tenant-lanes";

describe("choosing a tenant's path", () => {
  it("keeps a tenant selling once a second on the fast path", () => {
    const lanes = new TenantLanes();
    for (let second = 0; second < 60; second += 1) expect(lanes.lane("quiet", second * 1_000)).toBe("fast");
  });

  it("batches a tenant above the threshold by its third delivery in a second, and only that tenant", () => {
    const lanes = new TenantLanes();
    const seen = Array.from({ length: 20 }, (_, n) => lanes.lane("busy", 1_000 + n * 50));
    expect(seen.slice(0, 2)).toEqual(Array(2).fill("fast"));
    expect(seen.slice(2)).toEqual(Array(18).fill("batch"));
    expect(lanes.lane("quiet", 1_900)).toBe("fast");
  });

  it("returns to the fast path once the rate has stayed low for the hold time", () => {
    const lanes = new TenantLanes({ thresholdPerSecond: 5, holdMs: 5_000 });
    for (let n = 0; n < 20; n += 1) lanes.lane("busy", n * 50);
    expect(lanes.lane("busy", 3_000)).toBe("batch");
    expect(lanes.lane("busy", 6_000)).toBe("fast");
  });
});
