import { z } from "zod";
import { decodeBase64 } from "../signature";
import { verifyBodyHmac } from "./hmac-body";
import { parseJson, type ParseResult, type WebhookProvider } from "./types";

/** Shopify: `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 of the raw body with the app secret. */
const id = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);
const timestamp = z.iso.datetime({ offset: true });

const inventoryLevel = z.object({
  inventory_item_id: id,
  location_id: id,
  available: z.number().int().min(-1_000_000).max(1_000_000).nullable(),
  updated_at: timestamp,
});

const product = z.object({
  id,
  updated_at: timestamp,
  status: z.enum(["active", "archived", "draft"]).optional(),
  variants: z
    .array(
      z.object({
        id,
        inventory_item_id: id,
        inventory_quantity: z.number().int().optional(),
        sku: z.string().nullable().optional(),
      }),
    )
    .max(2000),
});

const TOPICS = ["inventory_levels/update", "inventory_levels/connect", "products/update"] as const;

function parseShopify(
  topic: string,
  delivery: Parameters<WebhookProvider["parse"]>[0],
  deliveryId?: string,
): ParseResult {
  if (topic === "products/update") {
    const parsed = parseJson(delivery, product);
    if (!parsed.ok) return parsed;
    const sourceAt = new Date(parsed.value.updated_at);
    const archived = parsed.value.status === "archived";
    return {
      ok: true,
      delivery: {
        topic,
        deliveryId,
        externalIds: parsed.value.variants.map((v) => v.inventory_item_id),
        sourceAt,
        changes: parsed.value.variants.map((variant) => ({
          externalId: variant.inventory_item_id,
          quantity: variant.inventory_quantity,
          status: archived ? ("ARCHIVED" as const) : undefined,
          reason: "update" as const,
          sourceAt,
        })),
        payload: parsed.value,
      },
    };
  }
  const parsed = parseJson(delivery, inventoryLevel);
  if (!parsed.ok) return parsed;
  const level = parsed.value;
  const sourceAt = new Date(level.updated_at);
  return {
    ok: true,
    delivery: {
      topic,
      deliveryId,
      externalIds: [level.inventory_item_id],
      sourceAt,
      changes: [
        {
          externalId: level.inventory_item_id,
          quantity: Math.max(0, level.available ?? 0),
          locationId: level.location_id,
          reason: "adjustment",
          sourceAt,
        },
      ],
      payload: level,
    },
  };
}

export const shopifyProvider: WebhookProvider = {
  loggedHeaders: [
    "content-type",
    "x-shopify-topic",
    "x-shopify-webhook-id",
    "x-shopify-event-id",
    "x-shopify-shop-domain",
    "x-shopify-triggered-at",
    "x-shopify-api-version",
  ],
  contentTypes: ["application/json"],
  verify: (delivery, secrets) => verifyBodyHmac(delivery, secrets, "x-shopify-hmac-sha256", decodeBase64),
  parse(delivery) {
    const topic = delivery.headers.get("x-shopify-topic") ?? "";
    if (!(TOPICS as readonly string[]).includes(topic))
      return { ok: false, reason: `unsupported Shopify topic "${topic.slice(0, 60)}"` };
    // The event id is the same for every retry of one event; the webhook id names one delivery.
    const deliveryId =
      delivery.headers.get("x-shopify-event-id") ?? delivery.headers.get("x-shopify-webhook-id") ?? undefined;
    return parseShopify(topic, delivery, deliveryId?.slice(0, 200));
  },
};
