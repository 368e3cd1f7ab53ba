import type { PrismaClient } from "@/generated/prisma/client";

/**
 * Business Central sends one `collection` notification, without item ids, when more than 1,000
 * records changed within 30 seconds. It names no item to fetch, so the connection is reconciled
 * incrementally instead: every item changed since the last sync is read from the API.
 */
export interface CollectionReconcile {
  tenantId: string;
  connectionId: string;
  mode: "incremental";
  trigger: "WEBHOOK";
}

interface StoredNotification {
  changeType?: unknown;
}

export async function reconcileForCollection(
  prisma: PrismaClient,
  tenantId: string,
  webhookEventId: string,
): Promise<CollectionReconcile | null> {
  const event = await prisma.webhookEvent.findFirst({
    where: { id: webhookEventId, tenantId },
    select: { connectionId: true, provider: true, payload: true },
  });
  if (event?.provider !== "BUSINESS_CENTRAL") return null;
  const body = (event.payload as { body?: { value?: StoredNotification[] } } | null)?.body;
  const collection =
    Array.isArray(body?.value) && body.value.some((notification) => notification.changeType === "collection");
  return collection ? { tenantId, connectionId: event.connectionId, mode: "incremental", trigger: "WEBHOOK" } : null;
}
