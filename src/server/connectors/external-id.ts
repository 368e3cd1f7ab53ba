/**
 * Variants and variations are written through their parent product on WooCommerce and
 * BigCommerce, so their external id carries both: "parent" or "parent:child".
 */
export function compositeId(parentId: number, childId?: number): string {
  return childId === undefined ? String(parentId) : `${parentId}:${childId}`;
}

export function parseCompositeId(externalId: string, platform: string): { parentId: number; childId?: number } {
  const [parentId, childId, ...rest] = externalId.split(":").map(Number);
  if (!Number.isInteger(parentId) || (childId !== undefined && !Number.isInteger(childId)) || rest.length > 0) {
    throw new TypeError(`"${externalId}" is not a ${platform} product id`);
  }
  return { parentId: parentId as number, childId };
}
