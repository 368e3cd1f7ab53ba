import type { ConnectorConfig } from "@/server/connectors";
import { bcCompanyId, BC_ENVIRONMENT } from "./providers/business-central";
import { type SimProvider, type SimStore } from "./store";

/**
 * The provider, base URL and credentials that point a real connector at a simulated store, and
 * the simulator's own host:port named on the connector's allow-list (it runs on loopback, which
 * the address rules refuse otherwise).
 */
export type SimConnectorConfig = ConnectorConfig & { baseUrl: string; http: { network: { allowList: string[] } } };

export const CONNECTOR_PROVIDER: Record<SimProvider, ConnectorConfig["provider"]> = {
  sam: "SAM",
  shopify: "SHOPIFY",
  woocommerce: "WOOCOMMERCE",
  bigcommerce: "BIGCOMMERCE",
  bc: "BUSINESS_CENTRAL",
};

export function simBaseUrl(store: SimStore, origin: string): string {
  return store.provider === "bigcommerce" || store.provider === "bc"
    ? `${origin}/${store.provider}`
    : `${origin}/${store.provider}/${store.id}`;
}

export function connectorConfigFor(store: SimStore, origin: string): SimConnectorConfig {
  return { ...targetFor(store, origin), http: { network: { allowList: [new URL(origin).host] } } };
}

function targetFor(store: SimStore, origin: string): Omit<SimConnectorConfig, "http"> {
  const { token, key, secret } = store.credentials;
  const baseUrl = simBaseUrl(store, origin);
  switch (store.provider) {
    case "sam":
      return { provider: "SAM", baseUrl, credentials: { apiKey: token } };
    case "shopify":
      return { provider: "SHOPIFY", baseUrl, credentials: { accessToken: token } };
    case "woocommerce":
      return { provider: "WOOCOMMERCE", baseUrl, credentials: { consumerKey: key, consumerSecret: secret } };
    case "bigcommerce":
      return { provider: "BIGCOMMERCE", baseUrl, credentials: { storeHash: store.id, accessToken: token } };
    case "bc":
      return {
        provider: "BUSINESS_CENTRAL",
        baseUrl,
        credentials: {
          tenantId: store.id,
          environment: BC_ENVIRONMENT,
          companyId: bcCompanyId(store),
          clientId: key,
          clientSecret: secret,
          tokenUrl: `${origin}/bc/${store.id}/oauth2/v2.0/token`,
        },
      };
  }
}
