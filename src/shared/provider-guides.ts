import type { ConnectionDirection, Provider, SyncSchedule } from "@/generated/prisma/enums";

/**
 * What the connection wizard asks for and tells the tenant, per platform: which roles it can
 * play, the fields of its API credentials, and how its webhook is registered. Pure data, shared
 * by the server (validation) and the wizard (labels and instructions), so it must stay free of
 * server imports: the browser bundles it.
 */
export type GuidedProvider = Provider;
export type Direction = ConnectionDirection;

export interface CredentialField {
  name: string;
  label: string;
  placeholder?: string;
  help?: string;
  /** Shown as a password field and never echoed back. */
  secret?: boolean;
  optional?: boolean;
  numeric?: boolean;
}

export interface ProviderGuide {
  label: string;
  summary: string;
  /** The first is the default role. */
  directions: [Direction, ...Direction[]];
  baseUrlLabel: string;
  baseUrlPlaceholder: string;
  credentials: CredentialField[];
  /** "generated": Stockhook makes the signing secret; "platform": the platform owns it and the tenant pastes it. */
  signing: "generated" | "platform";
  signingSecretLabel: string;
  /** How to register the webhook; `{url}` and `{secret}` are filled in by the wizard. */
  webhookSteps: string[];
  /** Whether Stockhook can call the platform's API (reconcile, pushes, "Test connection"). */
  hasApi: boolean;
}

export const PROVIDER_GUIDES: Record<GuidedProvider, ProviderGuide> = {
  SAM: {
    label: "SAM (gallery collection)",
    summary: "Your collection management system: where artworks are sold, loaned or returned.",
    directions: ["SOURCE"],
    baseUrlLabel: "SAM API address",
    baseUrlPlaceholder: "https://yourgallery.samsystem.com/api",
    credentials: [{ name: "apiKey", label: "API key", secret: true, help: "In SAM: Settings → API → Keys" }],
    signing: "generated",
    signingSecretLabel: "Webhook signing secret",
    webhookSteps: [
      "In SAM, open Settings → Integrations → Webhooks and choose “Add webhook”.",
      "Event: Stock changes. URL: {url}",
      "Signing secret: paste {secret}. SAM signs each delivery with it (X-SAM-Signature).",
    ],
    hasApi: true,
  },
  SHOPIFY: {
    label: "Shopify",
    summary: "A Shopify store, updated through the Admin API of your custom app.",
    directions: ["CHANNEL", "SOURCE"],
    baseUrlLabel: "Store address",
    baseUrlPlaceholder: "https://your-store.myshopify.com",
    credentials: [
      {
        name: "accessToken",
        label: "Admin API access token",
        placeholder: "shpat_…",
        secret: true,
        help: "Settings → Apps → Develop apps → your app → API credentials",
      },
      {
        name: "locationId",
        label: "Location id",
        optional: true,
        help: "Leave empty to use the store's first active location",
      },
    ],
    signing: "platform",
    signingSecretLabel: "App client secret",
    webhookSteps: [
      "Shopify signs webhooks with your app's client secret (X-Shopify-Hmac-Sha256); Stockhook verifies them with the one you entered in the details step (change it later under Secrets on the connection page).",
      "Stockhook subscribes to inventory_levels/update and products/update through the Admin API (needs read_inventory and read_products) and checks them every hour.",
      "Only without those scopes: subscribe to both topics in your app's configuration, delivery URL {url}",
    ],
    hasApi: true,
  },
  WOOCOMMERCE: {
    label: "WooCommerce",
    summary: "A WordPress shop running WooCommerce, through its REST API.",
    directions: ["CHANNEL", "SOURCE"],
    baseUrlLabel: "Shop address",
    baseUrlPlaceholder: "https://shop.example.com",
    credentials: [
      {
        name: "consumerKey",
        label: "Consumer key",
        placeholder: "ck_…",
        help: "WooCommerce → Settings → Advanced → REST API (read/write)",
      },
      {
        name: "consumerSecret",
        label: "Consumer secret",
        placeholder: "cs_…",
        secret: true,
        help: "Shown once, beside the consumer key",
      },
    ],
    signing: "generated",
    signingSecretLabel: "Webhook secret",
    webhookSteps: [
      "Stockhook adds its webhooks (Product created, updated, deleted, restored) through the REST API with a Read/Write key, and switches them back on if WooCommerce disables them.",
      "Only with a read-only key: in WooCommerce → Settings → Advanced → Webhooks, add a webhook with topic “Product updated”, delivery URL {url}",
      "Secret: paste {secret}. WooCommerce signs each delivery with it (X-WC-Webhook-Signature).",
    ],
    hasApi: true,
  },
  BIGCOMMERCE: {
    label: "BigCommerce",
    summary: "A BigCommerce store, through its V3 API.",
    directions: ["CHANNEL", "SOURCE"],
    baseUrlLabel: "API address",
    baseUrlPlaceholder: "https://api.bigcommerce.com",
    credentials: [
      {
        name: "storeHash",
        label: "Store hash",
        placeholder: "abc123",
        help: "The code after /stores/ in your API path",
      },
      {
        name: "accessToken",
        label: "Access token",
        secret: true,
        help: "From the store-level API account (Settings → API)",
      },
      {
        name: "locationId",
        label: "Location id",
        optional: true,
        numeric: true,
        help: "Defaults to 1, the default location",
      },
    ],
    signing: "generated",
    signingSecretLabel: "Webhook token",
    webhookSteps: [
      "BigCommerce does not sign webhooks, so Stockhook gives each one a secret header instead.",
      "Stockhook creates its hooks (product and variant inventory, including order changes) through /v3/hooks and re-activates them if BigCommerce deactivates them; the API account needs the Products scope.",
      "Only without that scope: create a webhook (POST /v3/hooks) for store/product/inventory/updated with destination {url} and the header X-Stockhook-Token set to {secret}.",
    ],
    hasApi: true,
  },
  BUSINESS_CENTRAL: {
    label: "Business Central",
    summary: "Microsoft Dynamics 365 Business Central: items and their inventory.",
    directions: ["SOURCE"],
    baseUrlLabel: "API address",
    baseUrlPlaceholder: "https://api.businesscentral.dynamics.com",
    credentials: [
      { name: "tenantId", label: "Microsoft Entra tenant id", help: "Azure portal → Microsoft Entra ID → Overview" },
      {
        name: "environment",
        label: "Environment",
        placeholder: "production",
        help: "The Business Central environment name",
      },
      { name: "companyId", label: "Company id", help: "GET /companies in the Business Central API lists it" },
      { name: "clientId", label: "App (client) id", help: "Your app registration's Overview page" },
      { name: "clientSecret", label: "Client secret", secret: true, help: "App registration → Certificates & secrets" },
      {
        name: "tokenUrl",
        label: "Token URL",
        placeholder: "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token",
        help: "Microsoft's token endpoint for your tenant",
      },
    ],
    signing: "generated",
    signingSecretLabel: "Client state",
    webhookSteps: [
      "Stockhook subscribes to item changes for you and renews the subscription before it expires (every 3 days).",
      "Notifications go to {url} and carry the client state {secret}, which Stockhook checks.",
    ],
    hasApi: true,
  },
  STANDARD_WEBHOOKS: {
    label: "Standard Webhooks (any system)",
    summary: "Any system that sends Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).",
    directions: ["SOURCE"],
    baseUrlLabel: "System address (for your reference)",
    baseUrlPlaceholder: "https://erp.example.com",
    credentials: [],
    signing: "generated",
    signingSecretLabel: "Signing secret",
    webhookSteps: ["Send stock changes to {url}", "Sign them per standardwebhooks.com with {secret}."],
    hasApi: false,
  },
};

export const SCHEDULE_LABELS: Record<SyncSchedule, string> = {
  H1: "Every hour",
  H3: "Every 3 hours",
  H6: "Every 6 hours",
  H12: "Every 12 hours",
  H24: "Daily",
  MANUAL: "Manual only",
};
