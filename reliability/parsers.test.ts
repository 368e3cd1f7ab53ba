import { createHmac } from "node:crypto";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { Provider } from "@/generated/prisma/client";
import { webhookProviders } from "@/server/inbound/providers";
import type { RawDelivery } from "@/server/inbound/providers/types";
import { applyStockChange, type StockChangeKind } from "@sim/http";
import { providerSim } from "@sim/providers";
import { SimStore, type SimProvider } from "@sim/store";
import { SHORT } from "./common";

/**
 * Property-based fuzz of every provider's preflight, verifier and parser, in process: whatever
 * the headers, query and body, they answer (a verdict, ok or a reason) and never throw — a
 * throw in the handler would be a 503 to the platform, and a retry loop.
 */
const SECRET = "fuzz-secret";
const runs = SHORT ? 300 : 3_000;
const headerNames = [
  "content-type",
  "x-sam-signature",
  "x-shopify-hmac-sha256",
  "x-shopify-topic",
  "x-shopify-event-id",
  "x-wc-webhook-signature",
  "x-wc-webhook-topic",
  "x-wc-webhook-delivery-id",
  "x-stockhook-token",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
];
// Header values as HTTP carries them: visible latin1, no control characters.
const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0xff }).map((code) => String.fromCharCode(code)),
  maxLength: 200,
});
const headers = fc.dictionary(fc.constantFrom(...headerNames), headerValue, { maxKeys: 6 });
const jsonBody = fc.jsonValue({ maxDepth: 5 }).map((value) => Buffer.from(JSON.stringify(value) ?? ""));
const body = fc.oneof(
  jsonBody,
  fc.uint8Array({ maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
  fc.string().map((text) => Buffer.from(text)),
);
const query = fc.dictionary(fc.constantFrom("validationToken", "topic", "x"), fc.string({ maxLength: 50 }), {
  maxKeys: 2,
});

function delivery(h: Record<string, string>, b: Buffer, q: Record<string, string>): RawDelivery {
  return { headers: new Headers(h), body: b, query: new URLSearchParams(q), receivedAt: new Date() };
}

/** The platform simulator that sends each provider's webhooks, in their real shape and signing. */
const SIM_OF: Record<Provider, SimProvider | undefined> = {
  SAM: "sam",
  SHOPIFY: "shopify",
  WOOCOMMERCE: "woocommerce",
  BIGCOMMERCE: "bigcommerce",
  BUSINESS_CENTRAL: "bc",
} as Record<Provider, SimProvider | undefined>;
const STORE_SIZE = 30;
/** BigCommerce authenticates with a header token and Business Central with a clientState in the body: neither signs the bytes. */
const SIGNS_BODY = new Set<SimProvider>(["sam", "shopify", "woocommerce"]);
/** A stock change at the platform: which item, what happened, how many. */
const platformChange = fc.record({
  index: fc.integer({ min: 0, max: STORE_SIZE - 1 }),
  kind: fc.constantFrom<StockChangeKind>("sale", "return", "restock", "adjustment"),
  quantity: fc.integer({ min: 0, max: 500 }),
});

describe.each(Object.keys(webhookProviders) as Provider[])("%s parser", (name) => {
  const provider = webhookProviders[name];

  it("never throws on arbitrary headers, query and body", async () => {
    await fc.assert(
      fc.asyncProperty(headers, body, query, async (h, b, q) => {
        const raw = delivery(h, b, q);
        // A handshake window open for odd-length bodies, so both of Business Central's answers are fuzzed.
        const prisma = { connection: { count: async () => raw.body.length % 2 } } as never;
        await provider.preflight?.(raw, {
          connection: { id: "c1", tenantId: "t1", provider: name },
          prisma,
          now: new Date(),
        });
        const verification = provider.verify(raw, [{ id: "s1", value: SECRET }]);
        expect(typeof verification.verdict).toBe("string");
        // Random headers and bytes never carry a valid signature for a secret they do not know.
        expect(verification.verdict).not.toBe("VALID");
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
        const raw = delivery(
          {
            "content-type": "application/json",
            "x-sam-signature": signature.toString("hex"),
            "x-shopify-hmac-sha256": signature.toString("base64"),
            "x-wc-webhook-signature": signature.toString("base64"),
          },
          b,
          {},
        );
        const parsed = provider.parse(raw);
        if (parsed.ok)
          expect(parsed.delivery.changes.every((change) => typeof change.externalId === "string")).toBe(true);
        else expect(parsed.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: runs },
    );
  });

  it("verifies and parses every well-formed delivery the platform sends; another secret, or one byte changed, is not VALID", async () => {
    const send = wellFormedSender(name);
    await fc.assert(
      fc.asyncProperty(platformChange, fc.nat(), async (change, flip) => {
        const sent = await send(change);
        const raw = delivery(sent.headers, Buffer.from(sent.body), {});
        expect(
          (
            await provider.preflight?.(raw, {
              connection: { id: "c1", tenantId: "t1", provider: name },
              prisma: { connection: { count: async () => 0 } } as never,
              now: new Date(),
            })
          )?.kind ?? "continue",
        ).toBe("continue");
        expect(provider.verify(raw, [{ id: "s1", value: sent.secret }]).verdict).toBe("VALID");
        const parsed = provider.parse(raw);
        expect(parsed.ok, parsed.ok ? "" : parsed.reason).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.delivery.changes.length).toBeGreaterThan(0);
        expect(parsed.delivery.changes.every((c) => typeof c.externalId === "string" && c.externalId.length > 0)).toBe(
          true,
        );
        // A delivery that carries the stock carries the platform's new level.
        const levels = parsed.delivery.changes.flatMap((c) => (c.quantity === undefined ? [] : [c.quantity]));
        if (levels.length) expect(levels).toContain(sent.quantity);

        expect(provider.verify(raw, [{ id: "s1", value: OTHER_SECRET[name] ?? `${SECRET}-other` }]).verdict).not.toBe(
          "VALID",
        );
        if (!sent.signsBody) return;
        const body = Buffer.from(sent.body);
        const at = flip % body.length;
        body[at] = body[at]! ^ 0x01;
        expect(provider.verify(delivery(sent.headers, body, {}), [{ id: "s1", value: sent.secret }]).verdict).not.toBe(
          "VALID",
        );
      }),
      { numRuns: Math.ceil(runs / 3) },
    );
  });
});

/** Standard Webhooks secrets are whsec_ + base64 key material. */
const STANDARD_SECRET = `whsec_${Buffer.from("fuzz-standard-webhooks-key-32byt").toString("base64")}`;
const OTHER_SECRET: Partial<Record<Provider, string>> = {
  STANDARD_WEBHOOKS: `whsec_${Buffer.from("another-standard-webhooks-key-32").toString("base64")}`,
};

interface SentDelivery {
  headers: Record<string, string>;
  body: string;
  secret: string;
  /** The item's stock at the platform after the change. */
  quantity: number;
  signsBody: boolean;
}

/**
 * Deliveries as the platform sends them: the simulator's (its real shape and signing) for the
 * platforms it simulates, the standardwebhooks library's signing for Standard Webhooks.
 */
function wellFormedSender(
  name: Provider,
): (change: { index: number; kind: StockChangeKind; quantity: number }) => Promise<SentDelivery> {
  const simProvider = SIM_OF[name];
  if (!simProvider) {
    const signer = new Webhook(STANDARD_SECRET);
    return async (change) => {
      const id = `msg_${change.index}_${change.quantity}`;
      const now = new Date();
      const body = JSON.stringify({
        type: "stock.changed",
        timestamp: now.toISOString(),
        data: {
          external_id: `ext-${change.index}`,
          quantity: change.quantity,
          reason: change.kind,
          occurred_at: now.toISOString(),
        },
      });
      const headers = {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": signer.sign(id, now, body),
      };
      return { headers, body, secret: STANDARD_SECRET, quantity: change.quantity, signsBody: true };
    };
  }
  const store = new SimStore({ provider: simProvider, id: "fuzz", size: STORE_SIZE });
  return async (change) => {
    const before = store.catalogue.item(change.index)!;
    // A platform sells only what it has: a sale beyond the stock sells what is left, or restocks.
    const kind = change.kind === "sale" && before.quantity === 0 ? "restock" : change.kind;
    const quantity = kind === "sale" ? Math.min(change.quantity, before.quantity) : change.quantity;
    const item = applyStockChange(store, before, kind, quantity);
    const outgoing = await providerSim(simProvider).webhook(store, item, {
      kind,
      secret: SECRET,
      targetUrl: "http://127.0.0.1/hook",
      origin: "http://127.0.0.1",
    });
    return {
      headers: { "content-type": "application/json", ...outgoing.headers },
      body: outgoing.body,
      secret: SECRET,
      quantity: item.quantity,
      signsBody: SIGNS_BODY.has(simProvider),
    };
  };
}
