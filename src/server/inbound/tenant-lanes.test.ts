import { describe, expect, it } from "vitest";
import { TenantLanes } from "./tenant-lanes";

describe("choosing a tenant's path", () => {
  it("keeps a tenant selling once a second on the fast path", () => {
    const lanes = new TenantLanes();
    for (let second = 0; second < 60; second += 1) expect(lanes.lane("quiet", second * 1_000)).toBe("fast");
  });

  it("keeps it there when a busy instance handles its sales in bunches", () => {
    // Sent a second apart; an instance draining another tenant's burst handles them three at once,
    // every three seconds (a one-second estimate batched this tenant).
    const lanes = new TenantLanes();
    for (let stall = 0; stall < 20; stall += 1)
      for (let n = 0; n < 3; n += 1) expect(lanes.lane("quiet", stall * 3_000 + 2_900 + n * 40)).toBe("fast");
  });

  it("batches a tenant above the threshold once its deliveries over the window exceed it, and only that tenant", () => {
    const lanes = new TenantLanes();
    const seen = Array.from({ length: 20 }, (_, n) => lanes.lane("busy", 1_000 + n * 50));
    // Two a second over five seconds: the eleventh delivery is over.
    expect(seen.slice(0, 10)).toEqual(Array(10).fill("fast"));
    expect(seen.slice(10)).toEqual(Array(10).fill("batch"));
    expect(lanes.lane("quiet", 1_900)).toBe("fast");
    // Asked without counting a delivery (the front door chooses where to store one).
    expect([lanes.isBatched("busy", 1_950), lanes.isBatched("quiet", 1_950)]).toEqual([true, false]);
    expect(lanes.isBatched("never-seen", 1_950)).toBe(false);
    expect(lanes.lane("quiet", 1_960)).toBe("fast");
  });

  it("returns to the fast path once the rate has stayed low for the hold time", () => {
    const lanes = new TenantLanes({ thresholdPerSecond: 5, holdMs: 5_000 });
    for (let n = 0; n < 40; n += 1) lanes.lane("busy", n * 25);
    expect(lanes.lane("busy", 3_000)).toBe("batch");
    expect(lanes.lane("busy", 12_000)).toBe("fast");
  });
});
