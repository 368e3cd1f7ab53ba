import { describe, expect, it } from "vitest";
import { syncRunPhase } from "./sync-run-phase";

describe("syncRunPhase", () => {
  it("a running run whose page failed is retrying, with the time of its next attempt", () => {
    const at = new Date(2026, 11, 6, 15, 31, 5);
    expect(syncRunPhase({ status: "RUNNING", errorCount: 1, nextAttemptAt: at })).toEqual({
      label: "Retrying — next attempt at 15:31:05",
      active: true,
      retrying: true,
    });
  });

  it("a healthy running run is running; an ended run is not active", () => {
    expect(syncRunPhase({ status: "RUNNING", errorCount: 0, nextAttemptAt: null })).toMatchObject({
      label: "Running",
      retrying: false,
    });
    expect(syncRunPhase({ status: "CANCELLED", errorCount: 2, nextAttemptAt: null })).toMatchObject({
      label: "Cancelled",
      active: false,
    });
  });
});
