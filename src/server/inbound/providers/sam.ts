import { z } from "zod";
import { decodeHex } from "../signature";
import { verifyBodyHmac } from "./hmac-body";
import { parseJson, type WebhookProvider } from "./types";

/** SAM stock-change webhooks: `X-SAM-Signature` = lowercase hex HMAC-SHA256 of the raw body. */
const samPayload = z.object({
  event_id: z.string().min(1).max(200),
  type: z.literal("stock.changed"),
  occurred_at: z.iso.datetime({ offset: true }),
  data: z.object({
    sam_id: z.union([z.string().min(1).max(100), z.number().int().nonnegative()]).transform(String),
    sku: z.string().max(200).optional(),
    stock: z.number().int().min(0).max(1_000_000),
    status: z.enum(["available", "sold", "reserved", "archived"]),
    reason: z.enum(["sale", "return", "restock", "adjustment"]),
  }),
});

const STATUS = { available: "AVAILABLE", sold: "SOLD", reserved: "OUT_OF_STOCK", archived: "ARCHIVED" } as const;

export const samProvider: WebhookProvider = {
  loggedHeaders: ["content-type", "user-agent", "x-sam-event"],
  contentTypes: ["application/json"],
  verify: (delivery, secrets) =>
    verifyBodyHmac(delivery, secrets, "x-sam-signature", (value) =>
      decodeHex(value.replace(/^sha256=/i, "").toLowerCase()),
    ),
  parse(delivery) {
    const parsed = parseJson(delivery, samPayload);
    if (!parsed.ok) return parsed;
    const { event_id, occurred_at, data } = parsed.value;
    const sourceAt = new Date(occurred_at);
    return {
      ok: true,
      delivery: {
        topic: "stock.changed",
        deliveryId: event_id,
        externalIds: [data.sam_id],
        sourceAt,
        changes: [
          { externalId: data.sam_id, quantity: data.stock, status: STATUS[data.status], reason: data.reason, sourceAt },
        ],
        payload: parsed.value,
      },
    };
  },
};
