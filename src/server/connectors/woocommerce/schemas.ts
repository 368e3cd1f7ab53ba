import { z } from "zod";

/** WooCommerce REST API v3 shapes (products, variations, batch) as Stockhook reads them. */
export const WOO_API_PREFIX = "/wp-json/wc/v3";

/** WooCommerce reports GMT timestamps without an offset. */
const gmtDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/)
  .transform((value) => new Date(/[zZ]|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value}Z`));

const stockStatus = z.enum(["instock", "outofstock", "onbackorder"]);

export const wooProductSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  sku: z.string(),
  type: z.string(),
  status: z.string(),
  parent_id: z.number().int().optional(),
  manage_stock: z.union([z.boolean(), z.literal("parent")]),
  stock_quantity: z.number().int().nullable(),
  stock_status: stockStatus,
  date_modified_gmt: gmtDate.nullable(),
  variations: z.array(z.number().int()).optional(),
});
export type WooProduct = z.output<typeof wooProductSchema>;
export type WooProductJson = z.input<typeof wooProductSchema>;

export const wooVariationSchema = wooProductSchema.omit({ name: true, type: true, variations: true }).extend({
  name: z.string().optional(),
  attributes: z.array(z.object({ name: z.string(), option: z.string() })).default([]),
});
export type WooVariation = z.output<typeof wooVariationSchema>;

export const wooProductListSchema = z.array(wooProductSchema);
export const wooVariationListSchema = z.array(wooVariationSchema);

export const wooBatchResponseSchema = z.object({
  update: z
    .array(
      z.object({ id: z.number().int(), error: z.object({ code: z.string(), message: z.string() }).optional() }).loose(),
    )
    .default([]),
});

/** `/webhooks`: status is active, paused or disabled (WooCommerce disables after repeated failed deliveries). */
export const wooWebhookSchema = z
  .object({
    id: z.number().int(),
    name: z.string().optional(),
    status: z.enum(["active", "paused", "disabled"]),
    topic: z.string(),
    delivery_url: z.string(),
  })
  .loose();
export type WooWebhookJson = z.input<typeof wooWebhookSchema>;
export const wooWebhookListSchema = z.array(wooWebhookSchema);
