import { demoCatalogue } from "@/server/demo/demo-catalogue";
import { type ItemSpec } from "./catalogue";
import { SIM_PROVIDERS, type StoreSpec } from "./store";

/**
 * The demo gallery's stores: every platform has a store "demo" holding the same pieces as the
 * seeded demo tenant, with the platform ids the tenant's item links point at (SAM 1001…,
 * WooCommerce 501…, Shopify inventory items 44000001…), since both derive from one list.
 */
export const DEMO_STORE_ID = "demo";

export function demoItems(): ItemSpec[] {
  return demoCatalogue().map(({ sku, title, quantity, oneOfAKind }) => ({ sku, title, quantity, unique: oneOfAKind }));
}

export function demoStoreSpecs(): StoreSpec[] {
  const items = demoItems();
  return SIM_PROVIDERS.map((provider) => ({ provider, id: DEMO_STORE_ID, items }));
}
