import { describe, expect, it } from "vitest";
import { sourceAddressOf } from "./source-address";

const headers = (forwardedFor?: string) =>
  new Headers(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor });

describe("sourceAddressOf", () => {
  it("takes the entry the trusted proxy appended, ignoring what the client wrote before it", () => {
    expect(sourceAddressOf(headers("1.2.3.4, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(sourceAddressOf(headers("1.2.3.4, 203.0.113.9, 10.0.0.2"), 2)).toBe("203.0.113.9");
  });

  it("has no address when fewer proxies than configured are in the header, or none are trusted", () => {
    expect(sourceAddressOf(headers("203.0.113.9"), 2)).toBeNull();
    expect(sourceAddressOf(headers(), 1)).toBeNull();
    expect(sourceAddressOf(headers("203.0.113.9"), 0)).toBeNull();
  });

  it("normalises ports, brackets and IPv4-mapped IPv6, and refuses what is not an address", () => {
    expect(sourceAddressOf(headers("203.0.113.9:51234"), 1)).toBe("203.0.113.9");
    expect(sourceAddressOf(headers("[2001:DB8::1]:443"), 1)).toBe("2001:db8::1");
    expect(sourceAddressOf(headers("::ffff:203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(sourceAddressOf(headers("unknown"), 1)).toBeNull();
    expect(sourceAddressOf(headers("' OR 1=1 --"), 1)).toBeNull();
  });
});
