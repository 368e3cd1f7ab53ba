import { z } from "zod";
import { decodeBase64 } from "../signature";
import { verifyBodyHmac } from "./hmac-body";
import { parseJson, type WebhookProvider } from "./types";

/** WooCommerce: `X-WC-Webhook-Signature` = base64 HMAC-SHA256 of the raw body. */
const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

const product = z.object({
  id,
  /** Set on a variation: stock of variable products lives on variations, linked as "parent:variation". */
  parent_id: z.number().int().nonnegative().optional(),
  sku: z.string().max(200).optional(),
  manage_stock: z.boolean().optional(),
  stock_quantity: z.number().int().nullable().optional(),
  stock_status: z.enum(["instock", "outofstock", "onbackorder"]).optional(),
  status: z.string().max(40).optional(),
  date_modified_gmt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/)
    .optional(),
});

const STOCK_STATUS = { instock: "AVAILABLE", outofstock: "OUT_OF_STOCK", onbackorder: "AVAILABLE" } as const;

/** WooCommerce stores GMT times without an offset. */
function gmt(value: string | undefined, fallback: Date): Date {
  return value ? new Date(`${value.slice(0, 19)}Z`) : fallback;
}

export const woocommerceProvider: WebhookProvider = {
  loggedHeaders: [
    "content-type",
    "x-wc-webhook-topic",
    "x-wc-webhook-resource",
    "x-wc-webhook-event",
    "x-wc-webhook-delivery-id",
    "x-wc-webhook-id",
    "x-wc-webhook-source",
  ],
  contentTypes: ["application/json"],
  preflight(delivery) {
    // On creation WooCommerce pings the URL with a form body `webhook_id=N` and no signature.
    const type = delivery.headers.get("content-type") ?? "";
    const isPing =
      type.startsWith("application/x-www-form-urlencoded") &&
      /^webhook_id=\d+$/.test(delivery.body.toString("utf8").trim());
    return isPing && !delivery.headers.has("x-wc-webhook-signature")
      ? {
          kind: "respond",
          status: 200,
          body: "ok",
          contentType: "text/plain",
          note: "WooCommerce webhook creation ping",
        }
      : { kind: "continue" };
  },
  verify: (delivery, secrets) => verifyBodyHmac(delivery, secrets, "x-wc-webhook-signature", decodeBase64),
  parse(delivery) {
    const topic = delivery.headers.get("x-wc-webhook-topic") ?? "";
    if (!["product.updated", "product.created", "product.deleted", "product.restored"].includes(topic)) {
      return { ok: false, reason: `unsupported WooCommerce topic "${topic.slice(0, 60)}"` };
    }
    const parsed = parseJson(delivery, product);
    if (!parsed.ok) return parsed;
    const p = parsed.value;
    const sourceAt = gmt(p.date_modified_gmt, delivery.receivedAt);
    const deleted = topic === "product.deleted";
    const externalId = p.parent_id ? `${p.parent_id}:${p.id}` : p.id;
    return {
      ok: true,
      delivery: {
        topic,
        deliveryId: delivery.headers.get("x-wc-webhook-delivery-id")?.slice(0, 200) ?? undefined,
        externalIds: [externalId],
        sourceAt,
        changes: [
          {
            externalId,
            quantity: deleted ? 0 : p.manage_stock === false ? undefined : (p.stock_quantity ?? undefined),
            status: deleted ? "ARCHIVED" : p.stock_status ? STOCK_STATUS[p.stock_status] : undefined,
            reason: deleted ? "delete" : "update",
            sourceAt,
          },
        ],
        payload: p,
      },
    };
  },
};
