import type { Provider } from "@/generated/prisma/enums";

export const PROVIDER_LABELS: Record<Provider, string> = {
  SAM: "SAM",
  SHOPIFY: "Shopify",
  WOOCOMMERCE: "WooCommerce",
  BIGCOMMERCE: "BigCommerce",
  BUSINESS_CENTRAL: "Business Central",
  STANDARD_WEBHOOKS: "Standard Webhooks",
};
