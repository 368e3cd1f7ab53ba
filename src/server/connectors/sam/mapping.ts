import { z } from "zod";
import { type SourceStockItem, type StockEvent, type StockStatus } from "../types";

/**
 * Everything Stockhook assumes about SAM's payloads lives in this file. SAM has no public
 * spec; if a tenant's SAM names or encodes a field differently, adjust it here only.
 */
export const SAM_API_PREFIX = "/api/v3";
export const SAM_SIGNATURE_HEADER = "x-sam-signature";
export const SAM_STOCK_TOPIC = "stock.changed";

const samId = z.union([z.string().min(1), z.number().int()]).transform(String);
const samStatus = z.enum(["available", "sold", "reserved", "archived"]);
export type SamStatus = z.infer<typeof samStatus>;

export const samProductSchema = z.object({
  sam_id: samId,
  sku: z.string(),
  title: z.string(),
  stock: z.number().int(),
  status: samStatus,
  unique: z.boolean(),
  updated_at: z.iso.datetime({ offset: true }),
});
export type SamProduct = z.input<typeof samProductSchema>;

export const samPageSchema = z.object({
  data: z.array(samProductSchema),
  next_cursor: z.string().nullable(),
});

export const samWebhookSchema = z.object({
  event_id: z.string().min(1),
  type: z.literal(SAM_STOCK_TOPIC),
  occurred_at: z.iso.datetime({ offset: true }),
  data: z.object({
    sam_id: samId,
    sku: z.string(),
    stock: z.number().int(),
    status: samStatus,
    reason: z.enum(["sale", "return", "restock", "adjustment"]),
  }),
});
export type SamWebhook = z.input<typeof samWebhookSchema>;

/** A reserved piece is on hold at the gallery: not sold, but not for sale online either. */
function toStatus(status: SamStatus, stock: number, unique: boolean): { status: StockStatus; quantity: number } {
  switch (status) {
    case "archived":
      return { status: "ARCHIVED", quantity: 0 };
    case "reserved":
      return { status: "OUT_OF_STOCK", quantity: 0 };
    case "sold":
      return { status: unique ? "SOLD" : "OUT_OF_STOCK", quantity: 0 };
    case "available":
      return stock > 0
        ? { status: "AVAILABLE", quantity: stock }
        : { status: unique ? "SOLD" : "OUT_OF_STOCK", quantity: 0 };
  }
}

export function samProductToItem(product: z.output<typeof samProductSchema>): SourceStockItem {
  return {
    externalId: product.sam_id,
    sku: product.sku,
    title: product.title,
    ...toStatus(product.status, product.stock, product.unique),
    oneOfAKind: product.unique,
    updatedAt: new Date(product.updated_at),
  };
}

/** SAM's webhook omits `unique`; a "sold" status only comes from one-of-a-kind pieces selling out. */
export function samWebhookToEvents(payload: z.output<typeof samWebhookSchema>): StockEvent[] {
  const { data } = payload;
  const mapped = toStatus(data.status, data.stock, data.status === "sold");
  return [
    {
      externalId: data.sam_id,
      sku: data.sku,
      quantity: mapped.quantity,
      status: mapped.status,
      reason: data.reason,
      sourceAt: new Date(payload.occurred_at),
      eventId: payload.event_id,
    },
  ];
}
