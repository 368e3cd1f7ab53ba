import { randomUUID } from "node:crypto";
import { parseKeyring } from "@/server/crypto/secret-box";
import { storeSecret } from "@/server/crypto/secret-store";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { connectorConfigFor, createSimulator, externalIdOf, type Simulator } from "@sim";
import { startStack, type Stack } from "./harness";

/** One-of-a-kind works, one of each: `ART-1` … `ART-<count>`. */
export const uniqueWorks = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    sku: `ART-${i + 1}`,
    title: `Artwork ${i + 1}`,
    quantity: 1,
    unique: true,
  }));

export interface GalleryWithTwoShops {
  stack: Stack;
  sim: Simulator;
  tenantId: string;
  tenantSlug: string;
  samConnectionId: string;
  wooConnectionId: string;
  shopifyConnectionId: string;
}

/**
 * The channel-isolation tests' world, on a stack of its own: a gallery whose SAM collection (the
 * source, signing its webhooks with `signingSecret`) sells the same works on a WooCommerce shop
 * and a Shopify store, every item linked to all three. The simulator's stores are
 * `<provider>:<storeId>`.
 */
export async function startGalleryWithTwoShops(options: {
  storeId: string;
  tenantName: string;
  signingSecret: string;
  items: ReturnType<typeof uniqueWorks>;
  env?: Record<string, string>;
}): Promise<GalleryWithTwoShops> {
  const { storeId, items } = options;
  const sim = await createSimulator({
    stores: (["sam", "woocommerce", "shopify"] as const).map((provider) => ({ provider, id: storeId, items })),
  });
  // The simulator stands in for the platforms' public hosts: the address rules allow it by name.
  const stack = await startStack({ allow: [sim.url], ...(options.env ? { env: options.env } : {}) });
  const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
  const tenant = await stack.prisma.tenant.create({
    data: { slug: `${storeId}-${randomUUID().slice(0, 8)}`, name: options.tenantName, kind: "GALLERY" },
  });
  const tenantId = tenant.id;
  const db = scopeToTenant(stack.prisma, tenantId);
  const connections = {
    sam: { provider: "SAM", direction: "SOURCE", name: "Gallery" },
    woocommerce: { provider: "WOOCOMMERCE", direction: "CHANNEL", name: "WooCommerce" },
    shopify: { provider: "SHOPIFY", direction: "CHANNEL", name: "Shopify" },
  } as const;
  const ids: Record<string, string> = {};
  for (const [key, connection] of Object.entries(connections)) {
    const store = sim.stores.require(`${key}:${storeId}`);
    const config = connectorConfigFor(store, sim.url);
    const row = await db.connection.create({
      data: { tenantId, ...connection, baseUrl: config.baseUrl, syncSchedule: "MANUAL" },
    });
    ids[key] = row.id;
    if (key === "sam")
      await storeSecret(
        db,
        { connectionId: row.id, purpose: "WEBHOOK_SIGNING", label: "signing", plaintext: options.signingSecret },
        keyring,
      );
    await storeSecret(
      db,
      { connectionId: row.id, purpose: "API_CREDENTIAL", label: "api", plaintext: JSON.stringify(config.credentials) },
      keyring,
    );
  }
  for (const [index, spec] of items.entries()) {
    const item = await db.item.create({
      data: { tenantId, sku: spec.sku, title: spec.title, quantity: 1, oneOfAKind: true },
    });
    await db.itemLink.createMany({
      data: Object.keys(connections).map((key) => ({
        tenantId,
        itemId: item.id,
        connectionId: ids[key]!,
        externalId: String(externalIdOf(sim.stores.require(`${key}:${storeId}`), index)),
      })),
    });
  }
  return {
    stack,
    sim,
    tenantId,
    tenantSlug: tenant.slug,
    samConnectionId: ids.sam!,
    wooConnectionId: ids.woocommerce!,
    shopifyConnectionId: ids.shopify!,
  };
}
