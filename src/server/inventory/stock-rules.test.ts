import { describe, expect, it } from "vitest";
import { describeChange, sellableQuantity, statusFor } from "./stock-rules";

describe("sellable quantity", () => {
  const levels = [
    { locationId: "gallery", quantity: 3 },
    { locationId: "warehouse", quantity: 5 },
    { locationId: "loan", quantity: 2 },
  ];

  it("sums every location when none is chosen", () => expect(sellableQuantity(levels, [], 0)).toBe(10));
  it("sums only the selling locations", () => expect(sellableQuantity(levels, ["gallery", "warehouse"], 0)).toBe(8));
  it("holds back the safety buffer and never goes below zero", () => {
    expect(sellableQuantity(levels, ["gallery"], 2)).toBe(1);
    expect(sellableQuantity(levels, ["gallery"], 9)).toBe(0);
  });
  it("ignores negative levels a source may report", () =>
    expect(
      sellableQuantity(
        [
          { locationId: "a", quantity: -4 },
          { locationId: "b", quantity: 1 },
        ],
        [],
        0,
      ),
    ).toBe(1));
});

describe("status", () => {
  it("marks a one-of-a-kind artwork SOLD at zero", () =>
    expect(statusFor({ quantity: 0, oneOfAKind: true })).toBe("SOLD"));
  it("marks a replenishable item OUT_OF_STOCK at zero and AVAILABLE when restocked", () => {
    expect(statusFor({ quantity: 0, oneOfAKind: false })).toBe("OUT_OF_STOCK");
    expect(statusFor({ quantity: 4, oneOfAKind: false })).toBe("AVAILABLE");
  });
  it("honours an archived or sold report from the source", () => {
    expect(statusFor({ quantity: 3, oneOfAKind: false, reported: "ARCHIVED" })).toBe("ARCHIVED");
    expect(statusFor({ quantity: 1, oneOfAKind: true, reported: "SOLD" })).toBe("SOLD");
  });
  it("describes a change for the event log", () => {
    expect(describeChange({ quantity: 1, status: "AVAILABLE" }, { quantity: 0, status: "SOLD" })).toBe(
      "qty 1 → 0, marked Sold",
    );
    expect(describeChange({ quantity: 4, status: "AVAILABLE" }, { quantity: 4, status: "AVAILABLE" })).toBe(
      "qty 4 unchanged",
    );
  });
});
