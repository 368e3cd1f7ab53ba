import "server-only";
import { type ConnectorHttpOptions, HttpClient } from "../http";
import { type ShopifyCredentials } from "../credentials";
import { NotFoundError, RequestRejectedError, ValidationError } from "../errors";
import { type PlatformWebhook, type WebhookSubscriptionApi } from "../webhook-subscriptions";
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
  inventoryLevelsSchema,
  inventoryLevelWebhookSchema,
  locationsSchema,
  setQuantitiesSchema,
  SHOPIFY_API_VERSION,
  shopSchema,
  type ShopifyVariant,
  toGid,
  variantsPageSchema,
  webhookSubscriptionCreateSchema,
  webhookSubscriptionDeleteSchema,
  webhookSubscriptionsSchema,
  webhookSubscriptionUpdateSchema,
  type ShopifyWebhookSubscription,
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

const LEVELS_QUERY = `query StockhookLevels($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) { ... on InventoryItem { id inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } } }
}`;

const WEBHOOK_FIELDS = "id topic uri";
const WEBHOOKS_QUERY = `query StockhookWebhooks($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) { nodes { ${WEBHOOK_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;
const WEBHOOK_CREATE = `mutation StockhookWebhookCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) { webhookSubscription { ${WEBHOOK_FIELDS} } userErrors { field message } }
}`;
const WEBHOOK_UPDATE = `mutation StockhookWebhookUpdate($id: ID!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionUpdate(id: $id, webhookSubscription: $webhookSubscription) { webhookSubscription { ${WEBHOOK_FIELDS} } userErrors { field message } }
}`;
const WEBHOOK_DELETE = `mutation StockhookWebhookDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } }
}`;

/** Stock levels and product changes (archiving, new variants); Shopify signs both with the app's client secret. */
export const SHOPIFY_SUBSCRIPTION_TOPICS = ["INVENTORY_LEVELS_UPDATE", "PRODUCTS_UPDATE"] as const;
/** Rounds of read-and-retry after CHANGE_FROM_QUANTITY_STALE before the push is left to its retries. */
export const SHOPIFY_MAX_STALE_ROUNDS = 3;

/**
 * The compare-and-set rule when Shopify's quantity is not the one Stockhook last saw there. Units
 * that left the channel since then (a sale or fulfilment at Shopify that Stockhook may not have
 * applied yet) are kept off the new level, so the race never resells them; units that appeared at
 * the channel (a manual restock in Shopify's admin) are not stock Stockhook knows of, so the
 * canonical level wins.
 */
export function resolveStaleQuantity(input: { target: number; lastSeen: number; current: number }): number {
  const lostAtChannel = Math.max(0, input.lastSeen - input.current);
  return Math.max(0, input.target - lostAtChannel);
}

const toWebhook = (subscription: ShopifyWebhookSubscription): PlatformWebhook => ({
  id: subscription.id,
  topic: subscription.topic,
  address: subscription.uri,
  active: true,
});

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

export type ShopifyConnector = SourceConnector & ChannelConnector & { webhooks: WebhookSubscriptionApi };

export function createShopifyConnector(
  baseUrl: string,
  credentials: ShopifyCredentials,
  http: ConnectorHttpOptions = {},
): ShopifyConnector {
  const client = new HttpClient({
    ...http,
    baseUrl: `${baseUrl.replace(/\/+$/, "")}/admin/api/${SHOPIFY_API_VERSION}`,
    auth: { headers: () => ({ "x-shopify-access-token": credentials.accessToken }) },
  });
  const graphql = new ShopifyGraphql(client);
  let primaryLocation: Promise<string> | undefined = credentials.locationId
    ? Promise.resolve(toGid("Location", credentials.locationId))
    : undefined;

  function defaultLocation(): Promise<string> {
    primaryLocation ??= graphql.run("locations", LOCATIONS_QUERY, {}, locationsSchema).then(({ locations }) => {
      const location = locations.nodes[0];
      if (!location) throw new NotFoundError("Shopify: the shop has no active location to hold stock");
      return location.id;
    });
    primaryLocation.catch(() => (primaryLocation = undefined));
    return primaryLocation;
  }

  interface PlannedQuantity {
    inventoryItemId: string;
    locationId: string;
    target: number;
    /** The quantity Stockhook last saw on Shopify when this push began. */
    lastSeen: number;
    /** The changeFromQuantity the next attempt quotes, and the quantity it sets. */
    changeFrom: number;
    quantity: number;
  }

  /** Available quantity per inventory item at its location, read in one call. */
  async function readAvailable(rows: readonly PlannedQuantity[]): Promise<Map<string, number>> {
    const byLocation = new Map<string, PlannedQuantity[]>();
    for (const row of rows) byLocation.set(row.locationId, [...(byLocation.get(row.locationId) ?? []), row]);
    const levels = new Map<string, number>();
    for (const [locationId, group] of byLocation) {
      const { nodes } = await graphql.run(
        "nodes",
        LEVELS_QUERY,
        { ids: group.map((row) => row.inventoryItemId), locationId },
        inventoryLevelsSchema,
      );
      for (const node of nodes) {
        if (!node) continue;
        const available = node.inventoryLevel?.quantities.find((q) => q.name === "available")?.quantity ?? 0;
        levels.set(`${node.id}|${locationId}`, available);
      }
    }
    return levels;
  }

  async function setQuantities(updates: readonly StockUpdate[]): Promise<number[]> {
    const fallback = updates.some((update) => !update.locationId) ? await defaultLocation() : undefined;
    const rows: PlannedQuantity[] = updates.map((update) => {
      const target = channelQuantity(update);
      const lastSeen = update.lastSeenQuantity ?? Number.NaN;
      return {
        inventoryItemId: toGid("InventoryItem", update.externalId),
        locationId: update.locationId ? toGid("Location", update.locationId) : fallback!,
        target,
        lastSeen,
        changeFrom: lastSeen,
        quantity: target,
      };
    });
    // Never seen on Shopify yet: what it shows now is what Stockhook has seen.
    const unseen = rows.filter((row) => Number.isNaN(row.lastSeen));
    if (unseen.length) {
      const levels = await readAvailable(unseen);
      for (const row of unseen)
        row.lastSeen = row.changeFrom = levels.get(`${row.inventoryItemId}|${row.locationId}`) ?? 0;
    }
    for (let round = 0; ; round++) {
      const input = {
        name: "available",
        reason: "correction",
        referenceDocumentUri: "stockhook://stock-sync",
        quantities: rows.map((row) => ({
          inventoryItemId: row.inventoryItemId,
          locationId: row.locationId,
          quantity: row.quantity,
          changeFromQuantity: row.changeFrom,
        })),
      };
      // Never repeated blindly: a repeat of a write that did apply would come back stale and read as
      // a channel sale. A lost answer fails the push instead; its retry starts from a fresh read.
      const result = await graphql.run(
        "inventorySetQuantities",
        SET_QUANTITIES_MUTATION,
        { input },
        setQuantitiesSchema,
        { idempotent: false },
      );
      const userErrors = result.inventorySetQuantities.userErrors;
      if (userErrors.length === 0) return rows.map((row) => row.quantity);
      const stale = userErrors.filter((error) => error.code === "CHANGE_FROM_QUANTITY_STALE");
      if (stale.length < userErrors.length || round >= SHOPIFY_MAX_STALE_ROUNDS) {
        throw new RequestRejectedError(
          `Shopify inventorySetQuantities refused the update: ${describeUserErrors(userErrors)}`,
        );
      }
      const staleRows = stale
        .map((error) => rows[Number(error.field?.[2])])
        .filter((row): row is PlannedQuantity => row !== undefined);
      if (staleRows.length < stale.length)
        throw new RequestRejectedError(
          `Shopify inventorySetQuantities: stale quantities without a position (${describeUserErrors(stale)})`,
        );
      const levels = await readAvailable(staleRows);
      for (const row of staleRows) {
        const current = levels.get(`${row.inventoryItemId}|${row.locationId}`) ?? 0;
        const desired = resolveStaleQuantity({ target: row.target, lastSeen: row.lastSeen, current });
        row.changeFrom = current;
        row.quantity = desired;
      }
      // Rows whose level is already right need no write.
      const pending = rows.filter((row) => row.quantity !== row.changeFrom);
      if (pending.length === 0) return rows.map((row) => row.quantity);
    }
  }

  async function listStock({ cursor, updatedSince }: ListStockOptions = {}) {
    const { productVariants } = await graphql.run(
      "productVariants",
      VARIANTS_QUERY,
      {
        first: SHOPIFY_PAGE_SIZE,
        after: cursor ?? null,
        query: updatedSince ? `updated_at:>'${updatedSince.toISOString()}'` : null,
      },
      variantsPageSchema,
    );
    return {
      items: productVariants.nodes.map(variantToItem),
      nextCursor: productVariants.pageInfo.hasNextPage ? productVariants.pageInfo.endCursor : null,
    };
  }

  function rejectUserErrors(operation: string, userErrors: readonly ShopifyUserError[]) {
    if (userErrors.length > 0)
      throw new RequestRejectedError(`Shopify ${operation} refused it: ${describeUserErrors(userErrors)}`);
  }

  const webhooks: WebhookSubscriptionApi = {
    topics: SHOPIFY_SUBSCRIPTION_TOPICS,
    requiredScopes:
      "the read_inventory and read_products access scopes (a webhook topic needs read access to its resource)",
    async list() {
      const found: PlatformWebhook[] = [];
      let after: string | null = null;
      for (;;) {
        const {
          webhookSubscriptions,
        }: {
          webhookSubscriptions: {
            nodes: ShopifyWebhookSubscription[];
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
        } = await graphql.run(
          "webhookSubscriptions",
          WEBHOOKS_QUERY,
          { first: SHOPIFY_PAGE_SIZE, after },
          webhookSubscriptionsSchema,
        );
        found.push(...webhookSubscriptions.nodes.map(toWebhook));
        if (!webhookSubscriptions.pageInfo.hasNextPage) return found;
        after = webhookSubscriptions.pageInfo.endCursor;
      }
    },
    async create({ topic, address }) {
      const { webhookSubscriptionCreate: result } = await graphql.run(
        "webhookSubscriptionCreate",
        WEBHOOK_CREATE,
        { topic, webhookSubscription: { uri: address, format: "JSON" } },
        webhookSubscriptionCreateSchema,
      );
      rejectUserErrors("webhookSubscriptionCreate", result.userErrors);
      if (!result.webhookSubscription)
        throw new RequestRejectedError("Shopify webhookSubscriptionCreate returned no subscription");
      return toWebhook(result.webhookSubscription);
    },
    async update(id, { address }) {
      const { webhookSubscriptionUpdate: result } = await graphql.run(
        "webhookSubscriptionUpdate",
        WEBHOOK_UPDATE,
        { id, webhookSubscription: { uri: address, format: "JSON" } },
        webhookSubscriptionUpdateSchema,
        { idempotent: true },
      );
      rejectUserErrors("webhookSubscriptionUpdate", result.userErrors);
      if (!result.webhookSubscription)
        throw new NotFoundError(`Shopify: no webhook subscription ${id}`, { status: 404 });
      return toWebhook(result.webhookSubscription);
    },
    async remove(id) {
      const { webhookSubscriptionDelete: result } = await graphql.run(
        "webhookSubscriptionDelete",
        WEBHOOK_DELETE,
        { id },
        webhookSubscriptionDeleteSchema,
        { idempotent: true },
      );
      rejectUserErrors("webhookSubscriptionDelete", result.userErrors);
    },
  };

  return {
    provider: "SHOPIFY",
    webhooks,
    listStock,

    async getItem(externalId) {
      const { inventoryItem } = await graphql.run(
        "inventoryItem",
        INVENTORY_ITEM_QUERY,
        { id: toGid("InventoryItem", externalId) },
        inventoryItemSchema,
      );
      if (!inventoryItem) throw new NotFoundError(`Shopify: no inventory item ${externalId}`);
      return variantToItem(inventoryItem.variant);
    },

    async normalizeWebhook(topic: string, payload: unknown, meta: WebhookMeta = {}) {
      if (topic !== SHOPIFY_INVENTORY_TOPIC) return [];
      const parsed = inventoryLevelWebhookSchema.safeParse(payload);
      if (!parsed.success)
        throw new ValidationError(`Shopify webhook "${topic}" has an unexpected shape`, parsed.error.issues);
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

    async setStock(update) {
      const [quantity] = await setQuantities([update]);
      return { quantity: quantity ?? channelQuantity(update) };
    },

    async setStockBatch(updates) {
      const batches = chunk(updates, SHOPIFY_MAX_QUANTITIES_PER_CALL);
      const shown: Record<string, number> = {};
      for (const batch of batches) {
        const quantities = await setQuantities(batch);
        batch.forEach((update, index) => (shown[update.externalId] = quantities[index] ?? channelQuantity(update)));
      }
      return { calls: batches.length, updated: updates.length, shown };
    },

    testConnection: () =>
      probeConnection(async () => {
        const { shop } = await graphql.run("shop", SHOP_QUERY, {}, shopSchema, { policy: PROBE_POLICY });
        return `Connected to Shopify shop "${shop.name}" (${shop.myshopifyDomain}).`;
      }),
  };
}

interface ShopifyUserError {
  field?: string[] | null;
  code?: string | null;
  message: string;
}

/**
 * Shopify's user errors by code and field only: its message text is the platform's own words and
 * is not passed on to tenants (see docs/security.md, "no echoed answers").
 */
export function describeUserErrors(userErrors: readonly ShopifyUserError[]): string {
  return userErrors
    .map((error) =>
      [error.code ?? "USER_ERROR", error.field?.length ? `at ${error.field.join(".")}` : ""].filter(Boolean).join(" "),
    )
    .join("; ");
}
