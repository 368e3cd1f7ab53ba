import "server-only";
import { createBigCommerceConnector } from "./bigcommerce/connector";
import { type BusinessCentralConnector, createBusinessCentralConnector } from "./business-central/connector";
import { type CredentialsFor, parseCredentials } from "./credentials";
import { type ConnectorHttpOptions } from "./http";
import { createSamConnector } from "./sam/connector";
import { createShopifyConnector } from "./shopify/connector";
import { type ChannelConnector, type ConnectorProvider, type SourceConnector } from "./types";
import { createWooCommerceConnector } from "./woocommerce/connector";

export * from "./types";
export * from "./errors";
export * from "./credentials";
export { type ConnectorHttpOptions, type HttpDeps, type RetryPolicy } from "./http";
export { type BusinessCentralConnector } from "./business-central/connector";

/** What each provider's connector can do: stores are both source and channel, SAM and BC are sources. */
export interface ConnectorFor {
  SAM: SourceConnector;
  SHOPIFY: SourceConnector & ChannelConnector;
  WOOCOMMERCE: SourceConnector & ChannelConnector;
  BIGCOMMERCE: SourceConnector & ChannelConnector;
  BUSINESS_CENTRAL: BusinessCentralConnector;
}

export interface ConnectorConfig<P extends ConnectorProvider = ConnectorProvider> {
  provider: P;
  /** The platform's root: the shop/site URL, or the API host for BigCommerce and Business Central. */
  baseUrl: string;
  /** Plaintext, as unsealed from the secret store; validated here against the provider's schema. */
  credentials: CredentialsFor<P>;
  http?: ConnectorHttpOptions;
}

export function createConnector<P extends ConnectorProvider>(config: ConnectorConfig<P>): ConnectorFor[P] {
  const { baseUrl, http } = config;
  const build: { [K in ConnectorProvider]: () => ConnectorFor[K] } = {
    SAM: () => createSamConnector(baseUrl, parseCredentials("SAM", config.credentials), http),
    SHOPIFY: () => createShopifyConnector(baseUrl, parseCredentials("SHOPIFY", config.credentials), http),
    WOOCOMMERCE: () => createWooCommerceConnector(baseUrl, parseCredentials("WOOCOMMERCE", config.credentials), http),
    BIGCOMMERCE: () => createBigCommerceConnector(baseUrl, parseCredentials("BIGCOMMERCE", config.credentials), http),
    BUSINESS_CENTRAL: () =>
      createBusinessCentralConnector(baseUrl, parseCredentials("BUSINESS_CENTRAL", config.credentials), http),
  };
  return build[config.provider]();
}

export function isChannelConnector(connector: SourceConnector | ChannelConnector): connector is ChannelConnector {
  return "setStock" in connector;
}
