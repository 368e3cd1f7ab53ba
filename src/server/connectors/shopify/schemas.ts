import { z } from "zod";

/** Shapes of the Admin GraphQL API responses and the inventory webhook we use. Newest stable version as of December 2026; Shopify supports each for 12 months. */
export const SHOPIFY_API_VERSION = "2026-10";

export const throttleStatusSchema = z.object({
  maximumAvailable: z.number(),
  currentlyAvailable: z.number(),
  restoreRate: z.number(),
});

export const costSchema = z.object({
  requestedQueryCost: z.number(),
  actualQueryCost: z.number().nullable().optional(),
  throttleStatus: throttleStatusSchema,
});
export type ShopifyCost = z.infer<typeof costSchema>;

export const graphqlEnvelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: z
    .array(
      z
        .object({ message: z.string(), extensions: z.object({ code: z.string().optional() }).loose().optional() })
        .loose(),
    )
    .optional(),
  extensions: z.object({ cost: costSchema.optional() }).loose().optional(),
});

const gid = z.string().startsWith("gid://shopify/");

export const variantSchema = z.object({
  id: gid,
  sku: z.string().nullable(),
  title: z.string(),
  displayName: z.string(),
  updatedAt: z.iso.datetime({ offset: true }),
  inventoryQuantity: z.number().int().nullable(),
  product: z.object({ title: z.string(), status: z.enum(["ACTIVE", "ARCHIVED", "DRAFT"]) }),
  inventoryItem: z.object({ id: gid }),
});
export type ShopifyVariant = z.infer<typeof variantSchema>;

export const variantsPageSchema = z.object({
  productVariants: z.object({
    nodes: z.array(variantSchema),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

export const inventoryItemSchema = z.object({
  inventoryItem: z.object({ id: gid, variant: variantSchema }).nullable(),
});

export const setQuantitiesSchema = z.object({
  inventorySetQuantities: z.object({
    inventoryAdjustmentGroup: z.object({ reason: z.string() }).loose().nullable(),
    userErrors: z.array(
      z.object({
        field: z.array(z.string()).nullable().optional(),
        message: z.string(),
        code: z.string().nullable().optional(),
      }),
    ),
  }),
});

export const locationsSchema = z.object({
  locations: z.object({ nodes: z.array(z.object({ id: gid, name: z.string(), isActive: z.boolean() })) }),
});

export const shopSchema = z.object({ shop: z.object({ name: z.string(), myshopifyDomain: z.string() }) });

/** Ids may exceed 2^53 and lose digits in JSON.parse; the GraphQL id keeps them exact. */
export const inventoryLevelWebhookSchema = z.object({
  inventory_item_id: z.number(),
  location_id: z.number(),
  available: z.number().int().nullable(),
  updated_at: z.iso.datetime({ offset: true }),
  admin_graphql_api_id: z.string(),
});
export type ShopifyInventoryLevelWebhook = z.infer<typeof inventoryLevelWebhookSchema>;

export function toGid(type: string, id: string | number): string {
  return String(id).startsWith("gid://") ? String(id) : `gid://shopify/${type}/${id}`;
}

export function fromGid(gidValue: string): string {
  return gidValue.slice(gidValue.lastIndexOf("/") + 1).split("?")[0] ?? gidValue;
}

export function inventoryItemIdOf(
  level: Pick<ShopifyInventoryLevelWebhook, "inventory_item_id" | "admin_graphql_api_id">,
): string {
  return /[?&]inventory_item_id=(\d+)/.exec(level.admin_graphql_api_id)?.[1] ?? String(level.inventory_item_id);
}

const userErrorsSchema = z.array(
  z
    .object({
      field: z.array(z.string()).nullable().optional(),
      message: z.string(),
      code: z.string().nullable().optional(),
    })
    .loose(),
);

const availableSchema = z
  .object({ quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })) })
  .nullable();

/** `nodes(ids:)` over inventory items: the available quantity at one location each. */
export const inventoryLevelsSchema = z.object({
  nodes: z.array(z.object({ id: gid, inventoryLevel: availableSchema.optional() }).loose().nullable()),
});

const webhookSubscriptionSchema = z.object({ id: gid, topic: z.string(), uri: z.string() });
export type ShopifyWebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;

export const webhookSubscriptionsSchema = z.object({
  webhookSubscriptions: z.object({
    nodes: z.array(webhookSubscriptionSchema),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
});

export const webhookSubscriptionCreateSchema = z.object({
  webhookSubscriptionCreate: z.object({
    webhookSubscription: webhookSubscriptionSchema.nullable(),
    userErrors: userErrorsSchema,
  }),
});
export const webhookSubscriptionUpdateSchema = z.object({
  webhookSubscriptionUpdate: z.object({
    webhookSubscription: webhookSubscriptionSchema.nullable(),
    userErrors: userErrorsSchema,
  }),
});
export const webhookSubscriptionDeleteSchema = z.object({
  webhookSubscriptionDelete: z.object({
    deletedWebhookSubscriptionId: z.string().nullable(),
    userErrors: userErrorsSchema,
  }),
});
