import { type ConnectorHttpOptions, HttpClient } from "../http";
import { type ShopifyCredentials } from "../credentials";
import { NotFoundError, RequestRejectedError, ValidationError } from "../errors";
import { probeConnection, PROBE_POLICY } from "../test-connection";
import {
  type ChannelConnector,
  channelQuantity,
  chunk,
  type ListStockOptions,
  type SourceConnector,
  type SourceStockItem,
  statusForQuantity,
  type StockUpdate,
  type WebhookMeta,
} from "../types";
import { ShopifyGraphql } from "./graphql";
import {
  fromGid,
  inventoryItemIdOf,
  inventoryItemSchema,
  inventoryLevelWebhookSchema,
  locationsSchema,
  setQuantitiesSchema,
  SHOPIFY_API_VERSION,
  shopSchema,
  type ShopifyVariant,
  toGid,
  variantsPageSchema,
} from "./schemas";

/** Shopify caps inventorySetQuantities at 250 quantities per call. */
export const SHOPIFY_MAX_QUANTITIES_PER_CALL = 250;
export const SHOPIFY_PAGE_SIZE = 100;
export const SHOPIFY_INVENTORY_TOPIC = "inventory_levels/update";

const VARIANT_FIELDS = `fragment StockFields on ProductVariant {
  id sku title displayName updatedAt inventoryQuantity
  product { title status }
  inventoryItem { id }
}`;

const VARIANTS_QUERY = `query StockhookVariants($first: Int!, $after: String, $query: String) {
  productVariants(first: $first, after: $after, query: $query, sortKey: ID) {
    nodes { ...StockFields }
    pageInfo { hasNextPage endCursor }
  }
}
${VARIANT_FIELDS}`;

const INVENTORY_ITEM_QUERY = `query StockhookInventoryItem($id: ID!) {
  inventoryItem(id: $id) { id variant { ...StockFields } }
}
${VARIANT_FIELDS}`;

const SET_QUANTITIES_MUTATION = `mutation StockhookSetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason }
    userErrors { field message code }
  }
}`;

const LOCATIONS_QUERY = `query StockhookLocations { locations(first: 1, query: "active:true") { nodes { id name isActive } } }`;
const SHOP_QUERY = `query StockhookShop { shop { name myshopifyDomain } }`;

/** Stock is tracked per inventory item; its numeric id is the external id Stockhook links to. */
function variantToItem(variant: ShopifyVariant): SourceStockItem {
  const quantity = Math.max(0, variant.inventoryQuantity ?? 0);
  return {
    externalId: fromGid(variant.inventoryItem.id),
    sku: variant.sku ?? "",
    title: variant.displayName,
    quantity,
    status: variant.product.status === "ARCHIVED" ? "ARCHIVED" : statusForQuantity(quantity, false),
    updatedAt: new Date(variant.updatedAt),
  };
}

export function createShopifyConnector(baseUrl: string, credentials: ShopifyCredentials, http: ConnectorHttpOptions = {}): SourceConnector & ChannelConnector {
  const client = new HttpClient({
    ...http,
    baseUrl: `${baseUrl.replace(/\/+$/, "")}/admin/api/${SHOPIFY_API_VERSION}`,
    auth: { headers: () => ({ "x-shopify-access-token": credentials.accessToken }) },
  });
  const graphql = new ShopifyGraphql(client);
  let primaryLocation: Promise<string> | undefined = credentials.locationId ? Promise.resolve(toGid("Location", credentials.locationId)) : undefined;

  function defaultLocation(): Promise<string> {
    primaryLocation ??= graphql.run("locations", LOCATIONS_QUERY, {}, locationsSchema).then(({ locations }) => {
      const location = locations.nodes[0];
      if (!location) throw new NotFoundError("Shopify: the shop has no active location to hold stock");
      return location.id;
    });
    primaryLocation.catch(() => (primaryLocation = undefined));
    return primaryLocation;
  }

  async function setQuantities(updates: readonly StockUpdate[]) {
    const fallback = updates.some((update) => !update.locationId) ? await defaultLocation() : undefined;
    const input = {
      name: "available",
      reason: "correction",
      // Absolute quantities without compare-and-set: repeating the call sets the same level.
      ignoreCompareQuantity: true,
      quantities: updates.map((update) => ({
        inventoryItemId: toGid("InventoryItem", update.externalId),
        locationId: update.locationId ? toGid("Location", update.locationId) : fallback,
        quantity: channelQuantity(update),
      })),
    };
    const result = await graphql.run("inventorySetQuantities", SET_QUANTITIES_MUTATION, { input }, setQuantitiesSchema, { idempotent: true });
    const userErrors = result.inventorySetQuantities.userErrors;
    if (userErrors.length > 0) throw new RequestRejectedError(`Shopify inventorySetQuantities: ${userErrors.map((error) => error.message).join("; ")}`);
  }

  async function listStock({ cursor, updatedSince }: ListStockOptions = {}) {
    const { productVariants } = await graphql.run(
      "productVariants",
      VARIANTS_QUERY,
      { first: SHOPIFY_PAGE_SIZE, after: cursor ?? null, query: updatedSince ? `updated_at:>'${updatedSince.toISOString()}'` : null },
      variantsPageSchema,
    );
    return {
      items: productVariants.nodes.map(variantToItem),
      nextCursor: productVariants.pageInfo.hasNextPage ? productVariants.pageInfo.endCursor : null,
    };
  }

  return {
    provider: "SHOPIFY",
    listStock,

    async getItem(externalId) {
      const { inventoryItem } = await graphql.run("inventoryItem", INVENTORY_ITEM_QUERY, { id: toGid("InventoryItem", externalId) }, inventoryItemSchema);
      if (!inventoryItem) throw new NotFoundError(`Shopify: no inventory item ${externalId}`);
      return variantToItem(inventoryItem.variant);
    },

    async normalizeWebhook(topic: string, payload: unknown, meta: WebhookMeta = {}) {
      if (topic !== SHOPIFY_INVENTORY_TOPIC) return [];
      const parsed = inventoryLevelWebhookSchema.safeParse(payload);
      if (!parsed.success) throw new ValidationError(`Shopify webhook "${topic}" has an unexpected shape`, parsed.error.issues);
      const level = parsed.data;
      // A null level means the item stopped being stocked at that location.
      const quantity = Math.max(0, level.available ?? 0);
      return [
        {
          externalId: inventoryItemIdOf(level),
          quantity,
          reason: "adjustment" as const,
          sourceAt: new Date(level.updated_at),
          eventId: meta.eventId,
          locationId: String(level.location_id),
        },
      ];
    },

    setStock: (update) => setQuantities([update]),

    async setStockBatch(updates) {
      const batches = chunk(updates, SHOPIFY_MAX_QUANTITIES_PER_CALL);
      for (const batch of batches) await setQuantities(batch);
      return { calls: batches.length, updated: updates.length };
    },

    testConnection: () =>
      probeConnection(async () => {
        const { shop } = await graphql.run("shop", SHOP_QUERY, {}, shopSchema, { policy: PROBE_POLICY });
        return `Connected to Shopify shop "${shop.name}" (${shop.myshopifyDomain}).`;
      }),
  };
}
