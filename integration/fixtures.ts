import { createHmac, randomUUID } from "node:crypto";
import { parseKeyring } from "@/server/crypto/secret-box";
import { storeSecret } from "@/server/crypto/secret-store";
import { DEFAULT_LOCATION } from "@/server/inventory/apply-change";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { connectorConfigFor, externalIdOf, type ItemView, type Simulator } from "@sim";
import type { Stack } from "./harness";

/**
 * A tenant wired to the simulators the way a real one is: a SAM source (the gallery) with its
 * signing secret and API credentials, optionally a WooCommerce channel (the shop), and every
 * simulated item linked on both. Shared by the benchmarks and the reliability suite.
 */
export interface ShopTenant {
  tenantId: string;
  slug: string;
  samConnectionId: string;
  wooConnectionId?: string;
  samStoreKey: string;
  wooStoreKey?: string;
  signingSecret: string;
  webhookUrl: string;
  /** The SAM id of the item at this index of the store's catalogue. */
  samIdOf: (index: number) => number;
}

export interface ShopTenantOptions {
  /** Items in the simulated stores (and linked in Stockhook). */
  items: number;
  /** Adds a WooCommerce channel showing the same items (default true). */
  channel?: boolean;
  /** Links only the first N items in Stockhook (default all); the rest are left to a reconcile. */
  linked?: number;
  /** Store id in the simulator; default a fresh one. */
  storeId?: string;
}

const INSERT_CHUNK = 5_000;

export async function createShopTenant(stack: Stack, sim: Simulator, options: ShopTenantOptions): Promise<ShopTenant> {
  const storeId = options.storeId ?? `t${randomUUID().slice(0, 8)}`;
  const withChannel = options.channel ?? true;
  const samStore = sim.stores.create({ provider: "sam", id: storeId, size: options.items });
  const wooStore = withChannel
    ? sim.stores.create({ provider: "woocommerce", id: storeId, size: options.items })
    : undefined;
  const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
  const tenant = await stack.prisma.tenant.create({
    data: { slug: `bench-${storeId}`.toLowerCase(), name: `Bench ${storeId}`, kind: "GALLERY" },
  });
  const db = scopeToTenant(stack.prisma, tenant.id);
  const samConfig = connectorConfigFor(samStore, sim.url);
  // MANUAL: the cron scheduler must not start reconciles of its own in the middle of a measurement.
  const sam = await db.connection.create({
    data: {
      tenantId: tenant.id,
      provider: "SAM",
      direction: "SOURCE",
      name: "SAM",
      baseUrl: samConfig.baseUrl,
      syncSchedule: "MANUAL",
    },
  });
  const signingSecret = `whsec-${randomUUID()}`;
  await storeSecret(
    db,
    { connectionId: sam.id, purpose: "WEBHOOK_SIGNING", label: "signing", plaintext: signingSecret },
    keyring,
  );
  await storeSecret(
    db,
    { connectionId: sam.id, purpose: "API_CREDENTIAL", label: "api", plaintext: JSON.stringify(samConfig.credentials) },
    keyring,
  );
  let wooConnectionId: string | undefined;
  if (wooStore) {
    const wooConfig = connectorConfigFor(wooStore, sim.url);
    const shop = await db.connection.create({
      data: {
        tenantId: tenant.id,
        provider: "WOOCOMMERCE",
        direction: "CHANNEL",
        name: "Shop",
        baseUrl: wooConfig.baseUrl,
        syncSchedule: "MANUAL",
      },
    });
    await storeSecret(
      db,
      {
        connectionId: shop.id,
        purpose: "API_CREDENTIAL",
        label: "api",
        plaintext: JSON.stringify(wooConfig.credentials),
      },
      keyring,
    );
    wooConnectionId = shop.id;
  }

  const linked = Math.min(options.linked ?? options.items, options.items);
  for (let offset = 0; offset < linked; offset += INSERT_CHUNK) {
    const views: ItemView[] = sim.controls.items(samStore.key, {
      offset,
      limit: Math.min(INSERT_CHUNK, linked - offset),
    });
    const rows = views.map((view) => ({ id: `it_${randomUUID()}`, view }));
    await stack.prisma.item.createMany({
      data: rows.map(({ id, view }) => ({
        id,
        tenantId: tenant.id,
        sku: view.sku,
        title: view.title,
        quantity: view.quantity,
        oneOfAKind: view.unique,
        status: view.quantity > 0 ? "AVAILABLE" : view.unique ? "SOLD" : "OUT_OF_STOCK",
      })),
    });
    // The stock Stockhook last saw at the source, per location, as a reconcile would have left it.
    await stack.prisma.stockLevel.createMany({
      data: rows.map(({ id, view }) => ({
        tenantId: tenant.id,
        itemId: id,
        locationId: DEFAULT_LOCATION,
        quantity: view.quantity,
      })),
    });
    await stack.prisma.itemLink.createMany({
      data: rows.flatMap(({ id }, i) => [
        {
          tenantId: tenant.id,
          itemId: id,
          connectionId: sam.id,
          externalId: String(externalIdOf(samStore, offset + i)),
        },
        ...(wooStore && wooConnectionId
          ? [
              {
                tenantId: tenant.id,
                itemId: id,
                connectionId: wooConnectionId,
                externalId: String(externalIdOf(wooStore, offset + i)),
              },
            ]
          : []),
      ]),
    });
  }
  return {
    tenantId: tenant.id,
    slug: tenant.slug,
    samConnectionId: sam.id,
    wooConnectionId,
    samStoreKey: samStore.key,
    wooStoreKey: wooStore?.key,
    signingSecret,
    webhookUrl: `${stack.appUrl}/api/webhooks/${tenant.slug}/${sam.id}`,
    samIdOf: (index) => Number(externalIdOf(samStore, index)),
  };
}

/** A SAM `stock.changed` delivery with its signature: the body and headers to POST. */
export function signedSamDelivery(
  secret: string,
  fields: { eventId: string; samId: number; stock: number; occurredAt?: Date },
) {
  const body = JSON.stringify({
    event_id: fields.eventId,
    type: "stock.changed",
    occurred_at: (fields.occurredAt ?? new Date()).toISOString(),
    data: {
      sam_id: fields.samId,
      stock: fields.stock,
      status: fields.stock > 0 ? "available" : "sold",
      reason: "sale",
    },
  });
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-sam-signature": createHmac("sha256", secret).update(body).digest("hex"),
    },
  };
}

export async function postDelivery(
  url: string,
  delivery: { body: string; headers: Record<string, string> },
  timeoutMs = 30_000,
) {
  const response = await fetch(url, {
    method: "POST",
    headers: delivery.headers,
    body: delivery.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: { id?: string; status?: string } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    /* not JSON: kept as text */
  }
  return {
    status: response.status,
    id: parsed.id,
    result: parsed.status,
    text,
    serverTiming: response.headers.get("server-timing"),
  };
}

/** Final states of an event in the log: nothing will happen to it any more. */
export const FINAL_STATUSES = ["APPLIED", "SKIPPED", "STALE", "FAILED", "DUPLICATE", "REJECTED"] as const;

/**
 * What a valid delivery must end as when nothing fails it on purpose: applied, or stale (older
 * than what the item already has); a retried copy of a stored delivery ends DUPLICATE. FAILED is
 * the pipeline giving up, and counts as a loss.
 */
export const DELIVERED_STATUSES = ["APPLIED", "STALE", "DUPLICATE"] as const;
