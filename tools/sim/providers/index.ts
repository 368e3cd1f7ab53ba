import { type ProviderSim } from "../http";
import { type SimStore } from "../store";
import { bigCommerceSim } from "./bigcommerce";
import { bcItemId, businessCentralSim } from "./business-central";
import { samSim } from "./sam";
import { shopifySim } from "./shopify";
import { wooCommerceSim } from "./woocommerce";

export const providerSims: readonly ProviderSim[] = [
  samSim,
  shopifySim,
  wooCommerceSim,
  bigCommerceSim,
  businessCentralSim,
];

export function providerSim(provider: ProviderSim["provider"]): ProviderSim {
  const sim = providerSims.find((candidate) => candidate.provider === provider);
  if (!sim) throw new Error(`No simulator for ${provider}`);
  return sim;
}

/** The id a connector sees for a simulated item (Business Central uses GUIDs, the rest numbers). */
export function externalIdOf(store: SimStore, index: number): string {
  return store.provider === "bc" ? bcItemId(store, index) : String(store.externalId(index));
}
