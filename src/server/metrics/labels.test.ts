import { describe, expect, it } from "vitest";
import { AuthError, RateLimitedError, UnavailableError } from "@/server/connectors/errors";
import { changeSource, outboundOutcome, providerLabel, pushFailureReason, webhookOutcome } from "./labels";

/** Label values come from small closed sets, so a metric never grows a series per tenant or message. */
describe("metric labels", () => {
  it("names the front door's answers", () => {
    expect(webhookOutcome({ status: 200, body: JSON.stringify({ id: "e1", status: "QUEUED" }) }, false)).toBe(
      "accepted",
    );
    expect(
      webhookOutcome(
        { status: 200, body: JSON.stringify({ id: "e2", status: "DUPLICATE", duplicateOf: "e1" }) },
        false,
      ),
    ).toBe("duplicate");
    // A handshake's body is the platform's own text: never read for the outcome.
    expect(webhookOutcome({ status: 200, body: '{"status":"DUPLICATE"}' }, true)).toBe("handshake");
    for (const status of [401, 404, 408, 413, 415, 429, 503])
      expect(webhookOutcome({ status, body: "{}" }, false)).toBe(String(status));
    expect(providerLabel("BUSINESS_CENTRAL")).toBe("business_central");
    expect(providerLabel(undefined)).toBe("unknown");
  });

  it("names storefront failures by the connector's error type", () => {
    expect(pushFailureReason(new RateLimitedError("slow down", 1000))).toBe("rate_limited");
    expect(pushFailureReason(new UnavailableError("down", "server_error"))).toBe("unavailable");
    expect(pushFailureReason(new UnavailableError("slow", "timeout"))).toBe("timeout");
    expect(pushFailureReason(new AuthError("no"))).toBe("auth");
    expect(pushFailureReason(new Error("boom"))).toBe("other");
  });

  it("names outbound attempts and change sources", () => {
    const attempt = { error: null, refused: false };
    expect(outboundOutcome({ ...attempt, status: 204 })).toBe("delivered");
    expect(outboundOutcome({ ...attempt, status: 410 })).toBe("gone");
    expect(outboundOutcome({ ...attempt, status: 502 })).toBe("http_5xx");
    expect(outboundOutcome({ ...attempt, status: 400 })).toBe("http_4xx");
    expect(outboundOutcome({ status: null, error: "ECONNREFUSED", refused: false })).toBe("network_error");
    expect(outboundOutcome({ status: null, error: "private address", refused: true })).toBe("refused_address");
    expect(changeSource("webhook")).toBe("webhook");
    expect(changeSource("reconcile: gone from source")).toBe("reconcile");
    expect(changeSource("manual")).toBe("other");
  });
});
