import type { Provider } from "@/generated/prisma/client";
import { bigcommerceProvider } from "./bigcommerce";
import { businessCentralProvider } from "./business-central";
import { samProvider } from "./sam";
import { shopifyProvider } from "./shopify";
import { standardWebhooksProvider } from "./standard-webhooks";
import type { WebhookProvider } from "./types";
import { woocommerceProvider } from "./woocommerce";

export const webhookProviders: Record<Provider, WebhookProvider> = {
  SAM: samProvider,
  SHOPIFY: shopifyProvider,
  WOOCOMMERCE: woocommerceProvider,
  BIGCOMMERCE: bigcommerceProvider,
  BUSINESS_CENTRAL: businessCentralProvider,
  STANDARD_WEBHOOKS: standardWebhooksProvider,
};
