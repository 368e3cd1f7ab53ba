import { parseKeyring } from "@/server/crypto/secret-box";
import { storeSecret } from "@/server/crypto/secret-store";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { connectorConfigFor, externalIdOf } from "@sim";
import { createShopTenant } from "../../integration/fixtures";
import { pace, round, sleep, summarise } from "../stats";
import { size, type BenchContext, type Scenario } from "../types";

/**
 * Channel isolation under an outage: a tenant sells on a WooCommerce shop and a Shopify store,
 * WooCommerce answers 503 to everything, and sales arrive one at a time, a second apart (see
 * `pace`). The figure is how long each sale takes to show on Shopify (the healthy storefront,
 * watched in process every 2 ms), while WooCommerce's pushes fail, retry and park behind its open
 * circuit breaker.
 */
export const storefrontOutage: Scenario = {
  name: "outage",
  describe: "sale → healthy storefront p95 while another storefront is down (WooCommerce 503, Shopify measured)",
  needsStack: true,
  async run(context: BenchContext) {
    const { stack, sim, log } = context;
    const sales = size("BENCH_OUTAGE_SALES", 60, 20, context);
    const tenant = await createShopTenant(stack, sim, { items: sales });
    const storeId = tenant.samStoreKey.split(":")[1]!;
    const shopifyStore = sim.stores.create({ provider: "shopify", id: storeId, size: sales });
    const shopifyConfig = connectorConfigFor(shopifyStore, sim.url);
    const db = scopeToTenant(stack.prisma, tenant.tenantId);
    const shopify = await db.connection.create({
      data: {
        tenantId: tenant.tenantId,
        provider: "SHOPIFY",
        direction: "CHANNEL",
        name: "Shopify",
        baseUrl: shopifyConfig.baseUrl,
        syncSchedule: "MANUAL",
      },
    });
    await storeSecret(
      db,
      {
        connectionId: shopify.id,
        purpose: "API_CREDENTIAL",
        label: "api",
        plaintext: JSON.stringify(shopifyConfig.credentials),
      },
      parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!),
    );
    const views = sim.controls.items(tenant.samStoreKey, { offset: 0, limit: sales });
    const items = new Map(
      (
        await db.item.findMany({
          where: { sku: { in: views.map((view) => view.sku) } },
          select: { id: true, sku: true },
        })
      ).map((item) => [item.sku, item.id]),
    );
    await stack.prisma.itemLink.createMany({
      data: views.map((view, index) => ({
        tenantId: tenant.tenantId,
        itemId: items.get(view.sku)!,
        connectionId: shopify.id,
        externalId: String(externalIdOf(shopifyStore, index)),
      })),
    });

    sim.controls.set(tenant.wooStoreKey!, { outage: "error", outageStatus: 503 });
    const samStore = sim.stores.require(tenant.samStoreKey);
    const latencies: number[] = [];
    const failures: string[] = [];
    try {
      const nextSale = pace(1_000);
      for (const view of views) {
        if (view.quantity === 0) continue;
        await nextSale();
        const started = performance.now();
        const result = await sim.emitWebhook({
          store: samStore,
          kind: "sale",
          sku: view.sku,
          targetUrl: tenant.webhookUrl,
          secret: tenant.signingSecret,
        });
        if (result.status !== 200) {
          failures.push(`${view.sku}: HTTP ${result.status}`);
          continue;
        }
        const deadline = started + 30_000;
        while (
          sim.controls.item(shopifyStore.key, view.sku)!.quantity !== result.quantityAfter &&
          performance.now() < deadline
        )
          await sleep(2);
        if (performance.now() >= deadline) failures.push(`${view.sku}: Shopify not updated within 30 s`);
        else latencies.push(performance.now() - started);
        if (latencies.length % 25 === 0) log(`outage: ${latencies.length}/${sales} sales reached Shopify`);
      }
    } finally {
      sim.controls.reset(tenant.wooStoreKey!);
    }
    const wooPushes = await stack.prisma.channelPush.groupBy({
      by: ["state"],
      where: { connectionId: tenant.wooConnectionId! },
      _count: { _all: true },
    });
    const wooAttempts = await stack.prisma.pipelineAttempt.groupBy({
      by: ["outcome"],
      where: { connectionId: tenant.wooConnectionId!, kind: "PUSH" },
      _count: { _all: true },
    });
    const summary = summarise(latencies);
    return {
      figures: [
        {
          scenario: "outage",
          name: `sale → healthy storefront while another is down, over ${latencies.length} sales: p50 / p95 / p99`,
          value: `${round(summary.p50, 0)} / ${round(summary.p95, 0)} / ${round(summary.p99, 0)}`,
          unit: "ms",
          target: "p95 ≤ 1 s",
          met: summary.p95 <= 1000,
        },
        {
          scenario: "outage",
          name: "sales not reflected on the healthy storefront",
          value: failures.length,
          unit: "",
          target: "0",
          met: failures.length === 0,
        },
      ],
      details: {
        summary,
        failures,
        downStorefrontPushes: Object.fromEntries(wooPushes.map((row) => [row.state, row._count._all])),
        downStorefrontAttempts: Object.fromEntries(wooAttempts.map((row) => [row.outcome, row._count._all])),
      },
    };
  },
};
