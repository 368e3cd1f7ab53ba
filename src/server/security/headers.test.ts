import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { config, proxy } from "@/proxy";
import { contentSecurityPolicy, staticSecurityHeaders } from "./headers";

/** Issue 17, item 12; the browser side (hydration under the policy, framing refused) is e2e/security-headers.spec.ts. */
describe("security headers", () => {
  it("a page's policy allows only nonce'd scripts, no framing, no plugins, no foreign forms", () => {
    const policy = contentSecurityPolicy("abc123", { development: false, https: true });
    expect(policy).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    for (const directive of [
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "default-src 'self'",
      "upgrade-insecure-requests",
    ])
      expect(policy).toContain(directive);
    expect(contentSecurityPolicy("n", { development: true, https: false })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy("n", { development: true, https: false })).toContain(
      "style-src 'self' 'unsafe-inline'",
    );
    expect(contentSecurityPolicy("n", { development: false, https: false })).not.toContain("upgrade-insecure-requests");
  });

  it("every page request gets its own nonce, in the response and in the request Next.js renders from", () => {
    const first = proxy(new NextRequest("http://localhost:3000/t/demo"));
    const second = proxy(new NextRequest("http://localhost:3000/t/demo"));
    const nonceOf = (policy: string | null) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];
    const nonce = nonceOf(first.headers.get("content-security-policy"));
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(second.headers.get("content-security-policy"))).not.toBe(nonce);
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(
      first.headers.get("content-security-policy"),
    );
  });

  it("webhook paths keep their own handling and get no page policy", async () => {
    const malformed = proxy(new NextRequest("http://localhost:3000/api/webhooks/%zz/c1"));
    expect(malformed.status).toBe(404);
    expect(malformed.headers.get("content-security-policy")).toBeNull();
    expect(config.matcher[0]).toBe("/api/webhooks/:path(.*%.*)");
  });

  it("nosniff, a referrer policy and a frame ban everywhere; HSTS in production builds only", () => {
    const names = (production: boolean) =>
      Object.fromEntries(staticSecurityHeaders(production).map((h) => [h.key, h.value]));
    expect(names(true)).toMatchObject({
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "X-Frame-Options": "DENY",
      "Strict-Transport-Security": expect.stringContaining("max-age="),
    });
    expect(names(false)["Strict-Transport-Security"]).toBeUndefined();
  });
});
