import { z } from "zod";
import { constantTimeEqual } from "../signature";
import { parseJson, type WebhookProvider } from "./types";

/**
 * BigCommerce signs nothing. The webhook is created with a custom header carrying our secret
 * (`headers: { "X-Stockhook-Token": secret }`), compared here in constant time; the payload's
 * `hash` identifies the event for dedup.
 */
export const BIGCOMMERCE_TOKEN_HEADER = "x-stockhook-token";

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

const payload = z.object({
  scope: z
    .string()
    .regex(/^store\/[a-z_/]+$/)
    .max(100),
  store_id: z.union([z.string(), z.number()]).transform(String),
  data: z.object({
    type: z.string().max(40),
    id,
    inventory: z
      .object({
        product_id: id.optional(),
        variant_id: id.optional(),
        method: z.enum(["absolute", "relative"]),
        value: z.number().int(),
      })
      .optional(),
  }),
  hash: z.string().min(1).max(200),
  created_at: z.number().int().positive(),
  producer: z.string().max(100),
});

const SCOPES = [
  "store/product/inventory/updated",
  "store/sku/inventory/updated",
  "store/product/inventory/order/updated",
  "store/sku/inventory/order/updated",
  "store/product/updated",
  "store/product/deleted",
];

export const bigcommerceProvider: WebhookProvider = {
  loggedHeaders: ["content-type", "user-agent"],
  contentTypes: ["application/json"],
  verify(delivery, secrets) {
    const provided = delivery.headers.get(BIGCOMMERCE_TOKEN_HEADER);
    if (!provided) return { verdict: "MISSING" };
    const token = Buffer.from(provided, "utf8");
    for (const secret of secrets) {
      if (constantTimeEqual(Buffer.from(secret.value, "utf8"), token))
        return { verdict: "VALID", matchedSecretId: secret.id };
    }
    return { verdict: "INVALID" };
  },
  parse(delivery) {
    const parsed = parseJson(delivery, payload);
    if (!parsed.ok) return parsed;
    const p = parsed.value;
    if (!SCOPES.includes(p.scope)) return { ok: false, reason: `unsupported BigCommerce scope "${p.scope}"` };
    const sourceAt = new Date(p.created_at * 1000);
    // A variant's stock is linked as "product:variant", the way the connector lists it.
    const { product_id: productId, variant_id: variantId } = p.data.inventory ?? {};
    const externalId =
      productId && variantId && p.scope.startsWith("store/sku/")
        ? `${productId}:${variantId}`
        : (variantId ?? productId ?? p.data.id);
    const absolute = p.data.inventory?.method === "absolute";
    return {
      ok: true,
      delivery: {
        topic: p.scope,
        deliveryId: p.hash,
        externalIds: [externalId],
        sourceAt,
        changes: [
          {
            externalId,
            // Relative adjustments and product updates carry no absolute level: the function fetches it.
            quantity: absolute ? Math.max(0, p.data.inventory!.value) : undefined,
            status: p.scope === "store/product/deleted" ? "ARCHIVED" : undefined,
            reason: p.scope.endsWith("/deleted") ? "delete" : p.scope.includes("/order/") ? "sale" : "adjustment",
            sourceAt,
          },
        ],
        payload: p,
      },
    };
  },
};
