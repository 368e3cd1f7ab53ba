import type { ItemStatus } from "@/generated/prisma/client";

export interface ItemState {
  quantity: number;
  status: ItemStatus;
}

/** Where a change that names no location is kept. */
export const DEFAULT_LOCATION = "default";
/** How long the front door remembers a delivery (ingest.ts DELIVERY_ID_MEMORY_MS): 72 hours. */
export const REPLAY_MEMORY_MS = 72 * 60 * 60 * 1000;

/**
 * What a storefront may sell: on-hand stock summed over the tenant's selling locations (all of
 * them when none are chosen), less the safety buffer, never below zero.
 */
export function sellableQuantity(
  levels: { locationId: string; quantity: number }[],
  sellingLocations: string[],
  safetyBuffer: number,
): number {
  const selling = sellingLocations.length ? new Set(sellingLocations) : null;
  const onHand = levels
    .filter((level) => !selling || selling.has(level.locationId))
    .reduce((sum, level) => sum + Math.max(0, level.quantity), 0);
  return Math.max(0, onHand - safetyBuffer);
}

/**
 * One-of-a-kind items (artworks) are SOLD at zero and never come back on their own;
 * replenishable items are OUT_OF_STOCK at zero and AVAILABLE again when restocked.
 */
export function statusFor(input: { quantity: number; oneOfAKind: boolean; reported?: ItemStatus }): ItemStatus {
  if (input.reported === "ARCHIVED") return "ARCHIVED";
  if (input.quantity > 0 && input.reported !== "SOLD") return "AVAILABLE";
  return input.oneOfAKind ? "SOLD" : "OUT_OF_STOCK";
}

const STATUS_WORDS: Record<ItemStatus, string> = {
  AVAILABLE: "Available",
  OUT_OF_STOCK: "Out of stock",
  SOLD: "Sold",
  ARCHIVED: "Archived",
};

/** The event log's one-line account of a change, e.g. "qty 1 → 0, marked Sold". */
export function describeChange(
  before: { quantity: number; status: ItemStatus },
  after: { quantity: number; status: ItemStatus },
): string {
  const parts = [
    before.quantity === after.quantity
      ? `qty ${after.quantity} unchanged`
      : `qty ${before.quantity} → ${after.quantity}`,
  ];
  if (before.status !== after.status) parts.push(`marked ${STATUS_WORDS[after.status]}`);
  return parts.join(", ");
}
