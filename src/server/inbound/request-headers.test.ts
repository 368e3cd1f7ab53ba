import { describe, expect, it } from "vitest";
import { MAX_STORED_HEADERS, storedRequestHeaders } from "./request-headers";

describe("the request headers an accepted delivery keeps", () => {
  it("keeps every header the platform sent, signatures included, and drops hop-by-hop and proxy-added ones", () => {
    const stored = storedRequestHeaders(
      new Headers({
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": "CHIFkQ/0gAOkWywMXsg5OeT8yk30DEONc/7cMRAVcQk=",
        "X-Shopify-Topic": "inventory_levels/update",
        Authorization: "Bearer abc",
        "User-Agent": "Shopify-Captain-Hook",
        Accept: "*/*",
        Connection: "keep-alive",
        "Keep-Alive": "timeout=5",
        "Transfer-Encoding": "chunked",
        "Content-Length": "120",
        Host: "stockhook.example",
        "X-Forwarded-For": "203.0.113.10",
        "X-Forwarded-Proto": "https",
        Forwarded: "for=203.0.113.10",
        Via: "1.1 proxy",
        "X-Real-IP": "203.0.113.10",
        "x-middleware-subrequest": "1",
      }),
    );
    expect(stored).toEqual({
      accept: "*/*",
      authorization: "Bearer abc",
      "content-type": "application/json",
      "user-agent": "Shopify-Captain-Hook",
      "x-shopify-hmac-sha256": "CHIFkQ/0gAOkWywMXsg5OeT8yk30DEONc/7cMRAVcQk=",
      "x-shopify-topic": "inventory_levels/update",
    });
  });

  it("keeps at most MAX_STORED_HEADERS headers", () => {
    const many = new Headers(
      Array.from({ length: MAX_STORED_HEADERS + 20 }, (_, i): [string, string] => [`x-h-${i}`, "v"]),
    );
    expect(Object.keys(storedRequestHeaders(many))).toHaveLength(MAX_STORED_HEADERS);
  });
});
