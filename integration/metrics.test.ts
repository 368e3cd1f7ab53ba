import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeyring } from "@/server/crypto/secret-box";
import { createEndpoint } from "@/server/outbound/endpoints";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";
import { createSimulator, type Simulator } from "@sim";
import { createShopTenant, postDelivery, signedSamDelivery, type ShopTenant } from "./fixtures";
import { eventually, startStack, type Stack } from "./harness";

/**
 * /api/metrics on the real stack: real signed webhooks, a reconcile, storefront pushes (one
 * failing first) and outbound deliveries (one answered 500 first) move the counters by exactly
 * what happened, and the scrape-time gauges read the database.
 */
let stack: Stack;
let sim: Simulator;
let receiver: Receiver;
let shop: ShopTenant;

beforeAll(async () => {
  sim = await createSimulator();
  receiver = await startReceiver();
  stack = await startStack({ allow: [sim.url, receiver.url] });
  shop = await createShopTenant(stack, sim, { items: 3 });
}, 240_000);
afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
  await sim?.close();
});

type Series = Map<string, number>;
const seriesKey = (name: string, labels: Record<string, string> = {}) =>
  `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;

/** One scrape, as Prometheus does it, parsed into series → value. */
async function scrape(authorization = `Bearer ${stack.env.METRICS_TOKEN}`): Promise<{ text: string; series: Series }> {
  const response = await fetch(`${stack.appUrl}/api/metrics`, { headers: { authorization } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const text = await response.text();
  const series: Series = new Map();
  for (const line of text.split("\n")) {
    const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    series.set(seriesKey(match[1]!, labels), Number(match[3]));
  }
  return { text, series };
}

/**
 * Scrapes until `ready` holds for the counters moved since `before`. A counter moves a moment after
 * the row a test waits on (a run's SUCCEEDED, a push's delivery) is written, so a single scrape
 * could race it; the figures are then checked exactly, so a counter that moved too far still fails.
 */
async function scrapeWhen(
  before: Series,
  what: string,
  ready: (moved: ReturnType<typeof mover>) => boolean,
): Promise<{ text: string; series: Series }> {
  return eventually(what, async () => {
    const scraped = await scrape();
    return ready(mover(before, scraped.series)) ? scraped : undefined;
  });
}

/** How much each series moved between two scrapes (absent counts as 0). */
function mover(before: Series, after: Series) {
  return (name: string, labels: Record<string, string> = {}) => {
    const key = seriesKey(name, labels);
    return (after.get(key) ?? 0) - (before.get(key) ?? 0);
  };
}

async function reconcileSource(): Promise<void> {
  const requestedAt = new Date();
  await stack.sendEvent({
    name: "stock/reconcile.requested",
    data: { tenantId: shop.tenantId, connectionId: shop.samConnectionId, mode: "full", trigger: "MANUAL" },
  });
  const run = await eventually(
    "the reconcile run to end",
    async () =>
      (await stack.prisma.syncRun.findFirst({
        where: {
          connectionId: shop.samConnectionId,
          status: { in: ["SUCCEEDED", "FAILED"] },
          startedAt: { gte: requestedAt },
        },
      })) ?? undefined,
    60_000,
  );
  expect(run.status).toBe("SUCCEEDED");
}

async function pushFinished(webhookEventId: string) {
  return eventually(
    "the storefront push to succeed",
    async () => {
      const push = await stack.prisma.channelPush.findFirst({ where: { webhookEventId, state: "SUCCEEDED" } });
      return push ?? undefined;
    },
    60_000,
  );
}

describe("/api/metrics on the real stack", () => {
  it("refuses a scrape without the token", async () => {
    expect((await fetch(`${stack.appUrl}/api/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${stack.appUrl}/api/metrics`, { headers: { authorization: "Bearer not-the-token-at-all" } }))
        .status,
    ).toBe(401);
  });

  it("moves the counters by exactly the traffic sent", async () => {
    const first = await scrape();
    expect(first.text).toMatch(/^process_resident_memory_bytes \d/m);

    // A full reconcile of the source while Stockhook already matches it: one run, nothing applied
    // (so nothing is pushed either).
    await reconcileSource();
    const fullSam = { provider: "sam", mode: "full", outcome: "succeeded" };
    const afterReconcile = await scrapeWhen(
      first.series,
      "the reconcile to be counted",
      (moved) => moved("stockhook_reconcile_runs_total", fullSam) >= 1,
    );
    const reconciled = mover(first.series, afterReconcile.series);
    expect(reconciled("stockhook_reconcile_runs_total", fullSam)).toBe(1);
    expect(reconciled("stockhook_reconcile_duration_seconds_count", fullSam)).toBe(1);
    expect(reconciled("stockhook_stock_changes_total", { source: "reconcile", outcome: "applied" })).toBe(0);

    // Outbound: the tenant's receiver refuses its first delivery (500), then takes every one.
    const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
    await createEndpoint(
      scopeToTenant(stack.prisma, shop.tenantId),
      { url: `${receiver.url}/stock`, description: "ERP", eventTypes: ["inventory.updated"], enabled: true },
      keyring,
    );
    receiver.respondWith((_request, response, index) =>
      index === 0 ? void response.writeHead(500).end("not yet") : void response.end("thanks"),
    );

    // Two sales (accepted), one re-sent copy (duplicate), one forged signature (401).
    const saleA = signedSamDelivery(shop.signingSecret, {
      eventId: `evt-${randomUUID()}`,
      samId: shop.samIdOf(0),
      stock: 0,
    });
    const accepted = await postDelivery(shop.webhookUrl, saleA);
    expect(accepted).toMatchObject({ status: 200, result: "QUEUED" });
    expect(await postDelivery(shop.webhookUrl, saleA)).toMatchObject({ status: 200, result: "DUPLICATE" });
    const forged = signedSamDelivery("not-the-secret", {
      eventId: `evt-${randomUUID()}`,
      samId: shop.samIdOf(1),
      stock: 0,
    });
    expect((await postDelivery(shop.webhookUrl, forged)).status).toBe(401);
    await pushFinished(accepted.id!);

    // The storefront answers 503 for a while: the second sale's push fails, then succeeds.
    sim.controls.set(shop.wooStoreKey!, { failNext: 8 });
    const saleB = await postDelivery(
      shop.webhookUrl,
      signedSamDelivery(shop.signingSecret, { eventId: `evt-${randomUUID()}`, samId: shop.samIdOf(1), stock: 0 }),
    );
    expect(saleB).toMatchObject({ status: 200, result: "QUEUED" });
    const pushB = await pushFinished(saleB.id!);
    const failedCalls = await stack.prisma.pipelineAttempt.count({
      where: { channelPushId: pushB.id, outcome: "FAILED" },
    });
    expect(failedCalls).toBeGreaterThanOrEqual(1);
    await eventually("both outbound deliveries to arrive", async () =>
      (await stack.prisma.outboundDelivery.count({ where: { tenantId: shop.tenantId, state: "SUCCEEDED" } })) === 2
        ? true
        : undefined,
    );

    const sam = (outcome: string) => ({ provider: "sam", outcome });
    const woo = (outcome: string) => ({ provider: "woocommerce", outcome });
    const second = await scrapeWhen(
      afterReconcile.series,
      "the sales, their pushes and the outbound deliveries to be counted",
      (moved) =>
        moved("stockhook_stock_changes_total", { source: "webhook", outcome: "applied" }) >= 2 &&
        moved("stockhook_channel_push_duration_seconds_count", woo("succeeded")) >= 2 &&
        moved("stockhook_outbound_delivery_attempts_total", { outcome: "delivered" }) >= 2,
    );
    const moved = mover(afterReconcile.series, second.series);
    expect(moved("stockhook_webhook_deliveries_total", sam("accepted"))).toBe(2);
    expect(moved("stockhook_webhook_deliveries_total", sam("duplicate"))).toBe(1);
    expect(moved("stockhook_webhook_deliveries_total", sam("401"))).toBe(1);
    expect(moved("stockhook_webhook_ack_duration_seconds_count", sam("accepted"))).toBe(2);
    expect(moved("stockhook_webhook_ack_duration_seconds_count", sam("401"))).toBe(1);
    expect(moved("stockhook_webhook_ack_duration_seconds_bucket", { ...sam("accepted"), le: "+Inf" })).toBe(2);

    expect(moved("stockhook_stock_changes_total", { source: "webhook", outcome: "applied" })).toBe(2);

    expect(moved("stockhook_channel_push_duration_seconds_count", woo("succeeded"))).toBe(2);
    expect(moved("stockhook_channel_push_duration_seconds_count", woo("failed"))).toBe(failedCalls);
    expect(moved("stockhook_channel_push_failures_total", { provider: "woocommerce", reason: "unavailable" })).toBe(
      failedCalls,
    );

    expect(moved("stockhook_reconcile_runs_total", fullSam)).toBe(0);

    expect(moved("stockhook_outbound_delivery_attempts_total", { outcome: "http_5xx" })).toBe(1);
    expect(moved("stockhook_outbound_delivery_attempts_total", { outcome: "delivered" })).toBe(2);
    expect(moved("stockhook_outbound_delivery_duration_seconds_count", { outcome: "delivered" })).toBe(2);
    console.log(
      `[metrics] ${second.series.size} series; ${failedCalls} failed storefront call(s); reconcile ${second.series.get(seriesKey("stockhook_reconcile_duration_seconds_sum", fullSam))} s`,
    );
  });

  it("reads the backlog and the circuit breakers from the database at scrape time", async () => {
    // An event received two minutes ago and never picked up, and a storefront whose breaker is open.
    const waiting = await stack.prisma.webhookEvent.create({
      data: {
        tenantId: shop.tenantId,
        connectionId: shop.samConnectionId,
        provider: "SAM",
        payloadHash: "0".repeat(64),
        signatureVerdict: "VALID",
        status: "QUEUED",
        receivedAt: new Date(Date.now() - 120_000),
      },
    });
    await stack.prisma.connection.update({
      where: { id: shop.wooConnectionId! },
      data: { circuitOpenUntil: new Date(Date.now() + 600_000), consecutiveFailures: 5 },
    });
    try {
      const { series } = await scrape();
      const age =
        series.get(
          seriesKey("stockhook_pipeline_oldest_event_age_seconds", { tenant_id: shop.tenantId, status: "queued" }),
        ) ??
        series.get(
          seriesKey("stockhook_pipeline_oldest_event_age_seconds", { tenant_id: shop.tenantId, status: "processing" }),
        );
      expect(age).toBeGreaterThanOrEqual(120);
      expect(age).toBeLessThan(300);
      expect(series.get(seriesKey("stockhook_circuit_breakers_open", { provider: "woocommerce" }))).toBe(1);
      expect(series.get(seriesKey("stockhook_channels_failing", { provider: "woocommerce" }))).toBe(1);
      expect(series.get(seriesKey("stockhook_channels", { provider: "woocommerce" }))).toBe(1);
    } finally {
      await stack.prisma.webhookEvent.delete({ where: { id: waiting.id } }).catch(() => undefined);
    }
  });

  it("reports its PostgreSQL pools: the connections the scrape's own database gauges opened, within the main pool's 10", async () => {
    await scrape();
    const { series } = await scrape();
    const inUse = series.get(seriesKey("stockhook_db_pool_connections", { pool: "main", state: "in_use" }));
    const idle = series.get(seriesKey("stockhook_db_pool_connections", { pool: "main", state: "idle" }));
    expect(inUse).toBeGreaterThanOrEqual(0);
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(inUse! + idle!).toBeGreaterThanOrEqual(1);
    expect(inUse! + idle!).toBeLessThanOrEqual(10);
    expect(series.get(seriesKey("stockhook_db_pool_waiting_queries", { pool: "main" }))).toBeGreaterThanOrEqual(0);
  });
});
