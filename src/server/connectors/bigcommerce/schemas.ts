import { z } from "zod";

/** BigCommerce v3 Catalog / Inventory API shapes and the inventory webhook. */
const variantSchema = z.object({
  id: z.number().int(),
  product_id: z.number().int(),
  sku: z.string(),
  inventory_level: z.number().int(),
  option_values: z.array(z.object({ label: z.string(), option_display_name: z.string() }).loose()).default([]),
});

export const bigCommerceProductSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  sku: z.string(),
  inventory_level: z.number().int(),
  inventory_tracking: z.enum(["none", "product", "variant"]),
  availability: z.enum(["available", "disabled", "preorder"]),
  date_modified: z.iso.datetime({ offset: true }),
  variants: z.array(variantSchema).default([]),
});
export type BigCommerceProduct = z.output<typeof bigCommerceProductSchema>;
export type BigCommerceProductJson = z.input<typeof bigCommerceProductSchema>;

export const paginationSchema = z.object({
  total: z.number().int(),
  count: z.number().int(),
  per_page: z.number().int(),
  current_page: z.number().int(),
  total_pages: z.number().int(),
  links: z
    .object({ previous: z.string().optional(), current: z.string().optional(), next: z.string().optional() })
    .loose(),
});

export const productPageSchema = z.object({
  data: z.array(bigCommerceProductSchema),
  meta: z.object({ pagination: paginationSchema }),
});

export const productResponseSchema = z.object({ data: bigCommerceProductSchema });

export const catalogSummarySchema = z.object({
  data: z.object({ inventory_count: z.number(), variant_count: z.number() }).loose(),
});

export const absoluteAdjustmentResponseSchema = z.object({ transaction_id: z.string() }).loose();

export const inventoryWebhookSchema = z.object({
  scope: z.enum([
    "store/product/inventory/updated",
    "store/sku/inventory/updated",
    "store/product/inventory/order/updated",
    "store/sku/inventory/order/updated",
  ]),
  store_id: z.string(),
  data: z.object({
    type: z.enum(["product", "sku"]),
    id: z.number().int(),
    inventory: z.object({
      product_id: z.number().int(),
      variant_id: z.number().int().optional(),
      method: z.enum(["absolute", "relative"]),
      value: z.number().int(),
    }),
  }),
  hash: z.string(),
  created_at: z.number().int(),
  producer: z.string(),
});
export type BigCommerceInventoryWebhook = z.input<typeof inventoryWebhookSchema>;

/** `/v3/hooks`: BigCommerce sets `is_active` false after its retry window, or after 90 idle days. */
export const bigCommerceHookSchema = z
  .object({
    id: z.number().int(),
    scope: z.string(),
    destination: z.string(),
    is_active: z.boolean(),
    headers: z.record(z.string(), z.string()).nullable().optional(),
  })
  .loose();
export type BigCommerceHookJson = z.input<typeof bigCommerceHookSchema>;
export const bigCommerceHookResponseSchema = z.object({ data: bigCommerceHookSchema });
export const bigCommerceHookListSchema = z.object({
  data: z.array(bigCommerceHookSchema),
  meta: z.object({ pagination: paginationSchema.partial().optional() }).loose().optional(),
});
