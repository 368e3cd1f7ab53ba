import "server-only";
import { z } from "zod";
import { type ConnectorHttpOptions, HttpClient } from "../http";
import { type BusinessCentralCredentials } from "../credentials";
import { ValidationError } from "../errors";
import { probeConnection, PROBE_POLICY } from "../test-connection";
import {
  type ListStockOptions,
  type SourceConnector,
  type SourceStockItem,
  statusForQuantity,
  type StockEvent,
  type WebhookMeta,
} from "../types";
import {
  type BcItem,
  bcCompanySchema,
  bcItemListSchema,
  bcItemSchema,
  bcNotificationSchema,
  type BcSubscription,
  bcSubscriptionSchema,
  itemIdFromResource,
} from "./schemas";
import { businessCentralAuth } from "./token";

export const BC_PAGE_SIZE = 200;
const ITEM_FIELDS = "id,number,displayName,type,blocked,inventory,lastModifiedDateTime";

export interface BusinessCentralConnector extends SourceConnector {
  subscribe(input: { notificationUrl: string; clientState: string }): Promise<BcSubscription>;
  /** Subscriptions lapse after three days; renewing needs the etag from the last response. */
  renewSubscription(subscription: Pick<BcSubscription, "subscriptionId" | "@odata.etag">): Promise<BcSubscription>;
  unsubscribe(subscription: Pick<BcSubscription, "subscriptionId" | "@odata.etag">): Promise<void>;
}

function toItem(item: BcItem): SourceStockItem {
  const quantity = Math.max(0, Math.floor(item.inventory));
  return {
    externalId: item.id,
    sku: item.number,
    title: item.displayName,
    quantity,
    status: item.blocked ? "ARCHIVED" : statusForQuantity(quantity, false),
    updatedAt: new Date(item.lastModifiedDateTime),
  };
}

export function createBusinessCentralConnector(
  baseUrl: string,
  credentials: BusinessCentralCredentials,
  http: ConnectorHttpOptions = {},
): BusinessCentralConnector {
  const apiRoot = `${baseUrl.replace(/\/+$/, "")}/v2.0/${credentials.tenantId}/${credentials.environment}/api/v2.0`;
  const client = new HttpClient({
    ...http,
    baseUrl: apiRoot,
    auth: businessCentralAuth(credentials, new HttpClient({ ...http, baseUrl })),
  });
  const company = `/companies(${credentials.companyId})`;
  const itemsResource = `/api/v2.0${company}/items`;
  const subscriptionPath = (id: string) => `/subscriptions('${id}')`;

  async function getItem(externalId: string) {
    const { data } = await client.request({
      method: "GET",
      path: `${company}/items(${externalId})`,
      query: { $select: ITEM_FIELDS },
      schema: bcItemSchema,
    });
    return toItem(data);
  }

  return {
    provider: "BUSINESS_CENTRAL",
    getItem,

    async listStock({ cursor, updatedSince }: ListStockOptions = {}) {
      // The cursor is the server's nextLink; only ever follow one that points back at this API.
      if (cursor && !cursor.startsWith(apiRoot))
        throw new ValidationError("Cursor does not belong to this Business Central company", []);
      const { data } = await client.request({
        method: "GET",
        path: cursor ?? `${company}/items`,
        query: cursor
          ? {}
          : {
              $select: ITEM_FIELDS,
              $filter: updatedSince ? `lastModifiedDateTime gt ${updatedSince.toISOString()}` : undefined,
            },
        // OData's $top caps the whole result; page size is negotiated with maxpagesize.
        headers: { prefer: `odata.maxpagesize=${BC_PAGE_SIZE}` },
        schema: bcItemListSchema,
      });
      return { items: data.value.map(toItem), nextCursor: data["@odata.nextLink"] ?? null };
    },

    /** Notifications name what changed, not the new stock, so each changed item is fetched. */
    async normalizeWebhook(topic: string, payload: unknown, _meta?: WebhookMeta) {
      const parsed = bcNotificationSchema.safeParse(payload);
      if (!parsed.success)
        throw new ValidationError(
          `Business Central notification "${topic}" has an unexpected shape`,
          parsed.error.issues,
        );
      const events: StockEvent[] = [];
      for (const notification of parsed.data.value) {
        const itemId = itemIdFromResource(notification.resource);
        // "collection" means too many changes to list; the scheduled reconcile picks them up.
        if (!itemId || notification.changeType === "collection") continue;
        const sourceAt = new Date(notification.lastModifiedDateTime);
        if (notification.changeType === "deleted") {
          events.push({ externalId: itemId, quantity: 0, status: "ARCHIVED", reason: "adjustment", sourceAt });
          continue;
        }
        const item = await getItem(itemId);
        events.push({
          externalId: item.externalId,
          sku: item.sku,
          quantity: item.quantity,
          status: item.status,
          reason: "adjustment",
          sourceAt,
        });
      }
      return events;
    },

    async subscribe({ notificationUrl, clientState }) {
      const { data } = await client.request({
        method: "POST",
        path: "/subscriptions",
        body: { notificationUrl, resource: itemsResource, clientState },
        schema: bcSubscriptionSchema,
      });
      return data;
    },

    async renewSubscription(subscription) {
      const { data } = await client.request({
        method: "PATCH",
        path: subscriptionPath(subscription.subscriptionId),
        headers: { "if-match": subscription["@odata.etag"] },
        body: {},
        schema: bcSubscriptionSchema,
        idempotent: true,
      });
      return data;
    },

    async unsubscribe(subscription) {
      await client.request({
        method: "DELETE",
        path: subscriptionPath(subscription.subscriptionId),
        headers: { "if-match": subscription["@odata.etag"] },
        schema: z.unknown(),
        idempotent: true,
      });
    },

    testConnection: () =>
      probeConnection(async () => {
        const { data } = await client.request({
          method: "GET",
          path: company,
          schema: bcCompanySchema,
          policy: PROBE_POLICY,
        });
        return `Connected to Business Central company "${data.displayName ?? data.name}" (${credentials.environment}).`;
      }),
  };
}
