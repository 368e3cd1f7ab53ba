import { z } from "zod";

/** Business Central API v2.0 shapes: items, companies, webhook subscriptions, notifications. */
export const bcItemSchema = z.object({
  id: z.string(),
  number: z.string(),
  displayName: z.string(),
  type: z.enum(["Inventory", "Service", "Non_x002D_Inventory", "Non-Inventory"]).or(z.string()),
  blocked: z.boolean(),
  inventory: z.number(),
  lastModifiedDateTime: z.iso.datetime({ offset: true }),
});
export type BcItem = z.infer<typeof bcItemSchema>;
export type BcItemJson = z.input<typeof bcItemSchema>;

export const bcItemListSchema = z.object({
  value: z.array(bcItemSchema),
  "@odata.nextLink": z.string().optional(),
});

export const bcCompanySchema = z
  .object({ id: z.string(), name: z.string(), displayName: z.string().optional() })
  .loose();

export const bcSubscriptionSchema = z.object({
  subscriptionId: z.string(),
  notificationUrl: z.string(),
  resource: z.string(),
  clientState: z.string().optional(),
  expirationDateTime: z.iso.datetime({ offset: true }),
  lastModifiedDateTime: z.iso.datetime({ offset: true }).optional(),
  "@odata.etag": z.string(),
});
export type BcSubscription = z.infer<typeof bcSubscriptionSchema>;

export const bcNotificationSchema = z.object({
  value: z.array(
    z.object({
      subscriptionId: z.string(),
      clientState: z.string().optional(),
      expirationDateTime: z.iso.datetime({ offset: true }),
      resource: z.string(),
      changeType: z.enum(["created", "updated", "deleted", "collection"]),
      lastModifiedDateTime: z.iso.datetime({ offset: true }),
    }),
  ),
});
export type BcNotification = z.input<typeof bcNotificationSchema>;

export const tokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.string(),
  expires_in: z.coerce.number(),
});

/** `companies(…)/items(…)` in a notification's resource names the item that changed. */
export function itemIdFromResource(resource: string): string | undefined {
  return /items\(([^)]+)\)/.exec(resource)?.[1]?.replace(/^'|'$/g, "");
}
