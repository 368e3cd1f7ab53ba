import { z } from "zod";
import { constantTimeEqual, decodeBase64, hmacSha256 } from "../signature";
import { parseJson, type WebhookProvider } from "./types";

/**
 * Standard Webhooks (standardwebhooks.com): `webhook-signature: v1,<base64>` (several may be
 * listed, space-separated) over `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the
 * base64 part of a `whsec_…` secret; timestamps older or newer than 5 minutes are refused.
 */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

const payload = z.object({
  type: z.string().min(1).max(100),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  data: z.object({
    external_id: z.union([z.string().min(1).max(200), z.number().int()]).transform(String),
    sku: z.string().max(200).optional(),
    quantity: z.number().int().min(0).max(1_000_000).optional(),
    status: z.enum(["available", "sold", "out_of_stock", "archived"]).optional(),
    reason: z.enum(["sale", "return", "restock", "adjustment"]).default("adjustment"),
    occurred_at: z.iso.datetime({ offset: true }).optional(),
  }),
});

function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
}

export const standardWebhooksProvider: WebhookProvider = {
  loggedHeaders: ["content-type", "webhook-id", "webhook-timestamp", "user-agent"],
  contentTypes: ["application/json"],
  verify(delivery, secrets) {
    const id = delivery.headers.get("webhook-id");
    const timestamp = delivery.headers.get("webhook-timestamp");
    const header = delivery.headers.get("webhook-signature");
    if (!id || !timestamp || !header) return { verdict: "MISSING" };
    const seconds = Number(timestamp);
    if (
      !/^\d{1,12}$/.test(timestamp) ||
      Math.abs(delivery.receivedAt.getTime() / 1000 - seconds) > TIMESTAMP_TOLERANCE_SECONDS
    ) {
      return { verdict: "EXPIRED_TIMESTAMP" };
    }
    const signatures = header
      .split(" ")
      .filter((part) => part.startsWith("v1,"))
      .map((part) => decodeBase64(part.slice(3)))
      .filter((sig): sig is Buffer => sig !== null);
    if (signatures.length === 0) return { verdict: "UNKNOWN_KEY" };
    const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), delivery.body]);
    for (const secret of secrets) {
      const expected = hmacSha256(signingKey(secret.value), content);
      if (signatures.some((sig) => constantTimeEqual(expected, sig)))
        return { verdict: "VALID", matchedSecretId: secret.id };
    }
    return { verdict: "INVALID" };
  },
  parse(delivery) {
    const parsed = parseJson(delivery, payload);
    if (!parsed.ok) return parsed;
    const { type, data } = parsed.value;
    const sourceAt = new Date(data.occurred_at ?? parsed.value.timestamp ?? delivery.receivedAt);
    const STATUS = {
      available: "AVAILABLE",
      sold: "SOLD",
      out_of_stock: "OUT_OF_STOCK",
      archived: "ARCHIVED",
    } as const;
    return {
      ok: true,
      delivery: {
        topic: type,
        deliveryId: delivery.headers.get("webhook-id")?.slice(0, 200),
        externalIds: [data.external_id],
        sourceAt,
        changes: [
          {
            externalId: data.external_id,
            quantity: data.quantity,
            status: data.status ? STATUS[data.status] : undefined,
            reason: data.reason,
            sourceAt,
          },
        ],
        payload: parsed.value,
      },
    };
  },
};
