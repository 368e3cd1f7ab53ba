import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "@/generated/prisma/client";
import { createMetrics, type Metrics } from "./registry";

/**
 * GET /api/metrics, through the route itself: it does not exist without METRICS_TOKEN, refuses
 * any other credential, and gives Prometheus its text format with the token. The database behind
 * the scrape-time gauges is a stand-in answering two fixed queries.
 */
const TOKEN = "metrics-token-0123456789";
const oldest = new Date(Date.now() - 90_000);
let queries = 0;
const fakeDatabase = {
  $queryRaw: (strings: TemplateStringsArray) =>
    ++queries &&
    Promise.resolve(
      strings.join("?").includes('FROM "WebhookEvent"')
        ? [{ tenant_id: "tenant-a", status: "QUEUED", waiting: 3, oldest }]
        : [{ provider: "WOOCOMMERCE", channels: 2, open: 1, failing: 1 }],
    ),
} as unknown as PrismaClient;

let GET: (request: Request) => Promise<Response>;
beforeAll(async () => {
  // The route's registry, created here so its gauges read the stand-in instead of a real database.
  (globalThis as unknown as { stockhookMetrics?: Metrics }).stockhookMetrics = createMetrics(() => fakeDatabase);
  ({ GET } = await import("@/app/api/metrics/route"));
});
afterEach(() => {
  delete process.env.METRICS_TOKEN;
});

const scrape = (authorization?: string) =>
  GET(new Request("http://stockhook.test/api/metrics", authorization ? { headers: { authorization } } : {}));

describe("/api/metrics", () => {
  it("answers 404 while no METRICS_TOKEN is configured, whatever the caller sends", async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}`, "Bearer "]) {
      const response = await scrape(authorization);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toMatch(/stockhook_|process_/);
    }
  });

  it("answers 401 to a missing or wrong token", async () => {
    process.env.METRICS_TOKEN = TOKEN;
    for (const authorization of [
      undefined,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      TOKEN,
      `Basic ${TOKEN}`,
    ]) {
      const response = await scrape(authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await response.text()).not.toMatch(/stockhook_|process_/);
    }
  });

  it("gives the Prometheus text format (version 0.0.4) to the right token", async () => {
    process.env.METRICS_TOKEN = TOKEN;
    const queriesBefore = queries;
    const response = await scrape(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    // Five gauges, two queries: the gauges of one query share it within the scrape.
    expect(queries - queriesBefore).toBe(2);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    // Node's default process metrics, and every Stockhook metric declared with its type.
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    for (const [name, type] of [
      ["stockhook_webhook_ack_duration_seconds", "histogram"],
      ["stockhook_webhook_deliveries_total", "counter"],
      ["stockhook_stock_changes_total", "counter"],
      ["stockhook_channel_push_duration_seconds", "histogram"],
      ["stockhook_channel_push_failures_total", "counter"],
      ["stockhook_reconcile_runs_total", "counter"],
      ["stockhook_reconcile_duration_seconds", "histogram"],
      ["stockhook_outbound_delivery_attempts_total", "counter"],
      ["stockhook_outbound_delivery_duration_seconds", "histogram"],
      ["stockhook_outbound_deliveries_given_up_total", "counter"],
      ["stockhook_pipeline_oldest_event_age_seconds", "gauge"],
      ["stockhook_pipeline_events_waiting", "gauge"],
      ["stockhook_circuit_breakers_open", "gauge"],
      ["stockhook_channels_failing", "gauge"],
      ["stockhook_channels", "gauge"],
      ["stockhook_db_pool_connections", "gauge"],
      ["stockhook_db_pool_waiting_queries", "gauge"],
    ])
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    // The scrape-time gauges, from the database's rows.
    const age = Number(
      /^stockhook_pipeline_oldest_event_age_seconds\{tenant_id="tenant-a",status="queued"\} (\S+)$/m.exec(text)?.[1],
    );
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(120);
    expect(text).toMatch(/^stockhook_pipeline_events_waiting\{status="queued"\} 3$/m);
    expect(text).toMatch(/^stockhook_pipeline_events_waiting\{status="processing"\} 0$/m);
    expect(text).toMatch(/^stockhook_circuit_breakers_open\{provider="woocommerce"\} 1$/m);
    expect(text).toMatch(/^stockhook_channels\{provider="woocommerce"\} 2$/m);
  });

  it("still answers, without the database gauges' values, when the database fails", async () => {
    const broken = createMetrics(
      () => ({ $queryRaw: () => Promise.reject(new Error("down")) }) as unknown as PrismaClient,
    );
    const text = await broken.registry.metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).not.toMatch(/^stockhook_circuit_breakers_open\{/m);
    expect(text).not.toMatch(/^stockhook_pipeline_oldest_event_age_seconds\{/m);
  });
});
