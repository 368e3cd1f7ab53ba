/**
 * The part of a platform's API that manages webhook subscriptions, in one shape for every
 * platform that lets an app subscribe itself (Shopify, WooCommerce, BigCommerce). Business
 * Central's expiring subscriptions keep their own calls (subscribe / renew / unsubscribe).
 */
export interface PlatformWebhook {
  /** The platform's id for the subscription (Shopify's GraphQL gid, WooCommerce's and BigCommerce's numbers). */
  id: string;
  topic: string;
  address: string;
  /** False when the platform stopped delivering (WooCommerce `disabled`/`paused`, BigCommerce `is_active: false`). */
  active: boolean;
}

export interface WebhookTarget {
  topic: string;
  address: string;
  /** WooCommerce signs with it; BigCommerce sends it back in a header; Shopify signs with the app secret instead. */
  secret: string;
}

export interface WebhookSubscriptionApi {
  /** The topics a source on this platform needs for the stock rules. */
  readonly topics: readonly string[];
  /** The scopes or permissions the credentials need, in the platform's own words. */
  readonly requiredScopes: string;
  list(): Promise<PlatformWebhook[]>;
  create(target: WebhookTarget): Promise<PlatformWebhook>;
  /** Points the subscription at the target and switches it back on. */
  update(id: string, target: WebhookTarget): Promise<PlatformWebhook>;
  remove(id: string): Promise<void>;
}

export function hasWebhookSubscriptions(connector: object): connector is { webhooks: WebhookSubscriptionApi } {
  return "webhooks" in connector && typeof (connector as { webhooks?: unknown }).webhooks === "object";
}
