import { describe, expect, it } from "vitest";
import { itemConcurrencyKey } from "./item-key";

describe("itemConcurrencyKey", () => {
  it("names one connection's one product", () => {
    expect(itemConcurrencyKey("c1", ["1007"])).toBe("c1:1007");
    expect(itemConcurrencyKey("c2", ["1007"])).not.toBe(itemConcurrencyKey("c1", ["1007"]));
  });

  it("falls back to the connection for deliveries naming several products or none", () => {
    expect(itemConcurrencyKey("c1", ["1", "2"])).toBe("c1");
    expect(itemConcurrencyKey("c1", [])).toBe("c1");
  });
});
