import type { Provider, SyncTrigger, TenantKind } from "@/generated/prisma/enums";

export const PROVIDER_LABELS: Record<Provider, string> = {
  SAM: "SAM",
  SHOPIFY: "Shopify",
  WOOCOMMERCE: "WooCommerce",
  BIGCOMMERCE: "BigCommerce",
  BUSINESS_CENTRAL: "Business Central",
  STANDARD_WEBHOOKS: "Standard Webhooks",
};

/** What started a sync run, in the words of the control that starts it. */
export const SYNC_TRIGGER_LABELS: Record<SyncTrigger, string> = {
  SCHEDULE: "Schedule",
  MANUAL: "Resync button",
  WEBHOOK: "Webhook",
};

export const TENANT_KIND_LABELS: Record<TenantKind, string> = {
  GALLERY: "Art gallery",
  STORE: "Store",
  ERP: "ERP site",
};
