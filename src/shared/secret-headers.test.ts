import { describe, expect, it } from "vitest";
import { isSecretHeader, maskHeader, maskHeaders, maskSecretValue } from "./secret-headers";

describe("secret-bearing headers", () => {
  it.for([
    "authorization",
    "Authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-sam-signature",
    "x-shopify-hmac-sha256",
    "x-wc-webhook-signature",
    "webhook-signature",
    "x-stockhook-token",
    "x-api-key",
    "apikey",
    "x-client-secret",
    "x-auth-password",
  ])("%s is masked", (name) => {
    expect(isSecretHeader(name)).toBe(true);
  });

  it.for([
    "content-type",
    "user-agent",
    "x-shopify-topic",
    "x-shopify-webhook-id",
    "x-wc-webhook-delivery-id",
    "webhook-id",
    "webhook-timestamp",
    "x-sam-event",
  ])("%s is shown as it is", (name) => {
    expect(isSecretHeader(name)).toBe(false);
  });

  it("shows at most 4 characters of a long value and none of a short one, with the length", () => {
    const signature = "5a803a01dc197f029eb54ce4d52fabe10bdf90f47d1683773e1fc87df3dd8636";
    expect(maskSecretValue(signature)).toBe("5a80…(masked, 64 characters)");
    expect(maskSecretValue("short-token")).toBe("…(masked, 11 characters)");
    expect(maskHeader("x-sam-signature", signature)).not.toContain(signature.slice(4, 8));
    expect(maskHeaders({ "content-type": "application/json", Cookie: "session=abc" })).toEqual({
      "content-type": "application/json",
      Cookie: "…(masked, 11 characters)",
    });
  });
});
