import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Provider } from "@/generated/prisma/client";
import { webhookProviders } from "@/server/webhooks/providers";
import type { RawDelivery } from "@/server/webhooks/providers/types";
import { SHORT } from "./common";

/**
 * Property-based fuzz of every provider's preflight, verifier and parser, in process: whatever
 * the headers, query and body, they answer (a verdict, ok or a reason) and never throw — a
 * throw in the handler would be a 503 to the platform, and a retry loop.
 */
const SECRET = "fuzz-secret";
const runs = SHORT ? 300 : 3_000;
const headerNames = ["content-type", "x-sam-signature", "x-shopify-hmac-sha256", "x-shopify-topic", "x-shopify-event-id", "x-wc-webhook-signature", "x-wc-webhook-topic", "x-wc-webhook-delivery-id", "x-stockhook-token", "webhook-id", "webhook-timestamp", "webhook-signature"];
// Header values as HTTP carries them: visible latin1, no control characters.
const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((code) => String.fromCharCode(code)), maxLength: 200 });
const headers = fc.dictionary(fc.constantFrom(...headerNames), headerValue, { maxKeys: 6 });
const jsonBody = fc.jsonValue({ maxDepth: 5 }).map((value) => Buffer.from(JSON.stringify(value) ?? ""));
const body = fc.oneof(jsonBody, fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)), fc.string().map((text) => Buffer.from(text)));
const query = fc.dictionary(fc.constantFrom("validationToken", "topic", "x"), fc.string({ maxLength: 50 }), { maxKeys: 2 });

function delivery(h: Record<string, string>, b: Buffer, q: Record<string, string>): RawDelivery {
  return { headers: new Headers(h), body: b, query: new URLSearchParams(q), receivedAt: new Date() };
}

describe.each(Object.keys(webhookProviders) as Provider[])("%s parser", (name) => {
  const provider = webhookProviders[name];

  it("never throws on arbitrary headers, query and body", async () => {
    await fc.assert(
      fc.asyncProperty(headers, body, query, async (h, b, q) => {
        const raw = delivery(h, b, q);
        // A handshake window open for odd-length bodies, so both of Business Central's answers are fuzzed.
        const prisma = { connection: { count: async () => raw.body.length % 2 } } as never;
        await provider.preflight?.(raw, { connection: { id: "c1", tenantId: "t1", provider: name }, prisma, now: new Date() });
        const verification = provider.verify(raw, [{ id: "s1", value: SECRET }]);
        expect(typeof verification.verdict).toBe("string");
        const parsed = provider.parse(raw);
        expect(parsed.ok || typeof parsed.reason === "string").toBe(true);
      }),
      { numRuns: runs },
    );
  });

  it("parses to changes with external ids, or refuses with a reason, for JSON signed or not", () => {
    fc.assert(
      fc.property(jsonBody, (b) => {
        const signature = createHmac("sha256", SECRET).update(b).digest();
        const raw = delivery({ "content-type": "application/json", "x-sam-signature": signature.toString("hex"), "x-shopify-hmac-sha256": signature.toString("base64"), "x-wc-webhook-signature": signature.toString("base64") }, b, {});
        const parsed = provider.parse(raw);
        if (parsed.ok) expect(parsed.delivery.changes.every((change) => typeof change.externalId === "string")).toBe(true);
        else expect(parsed.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: runs },
    );
  });
});
