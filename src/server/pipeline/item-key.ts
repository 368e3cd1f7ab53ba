/**
 * The key Inngest serialises webhook processing on: one connection's one product. ItemLink is
 * unique per (connectionId, externalId), so this names exactly one Item before the event is even
 * matched, and two deliveries about the same product never run at once while different products
 * proceed in parallel. A delivery naming several products (or none) keys on its connection. The
 * item row lock taken inside the apply transaction stays the guarantee; this key keeps deliveries
 * for one product from queueing on that lock.
 */
export function itemConcurrencyKey(connectionId: string, externalIds: readonly string[]): string {
  return externalIds.length === 1 ? `${connectionId}:${externalIds[0]}` : connectionId;
}
