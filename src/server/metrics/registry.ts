import "server-only";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { PrismaClient } from "@/generated/prisma/client";
import { poolUsage } from "@/server/database-adapter";
import { db } from "@/server/db";
import { registerDatabaseGauges } from "./database-gauges";

/**
 * The process's Prometheus metrics, served at /api/metrics (docs/observability.md). Counters and
 * histograms count what this process did; the database gauges are read at scrape time, so every
 * instance reports the same values for them. Labels stay low-cardinality (provider, outcome,
 * mode): tenant ids appear only on the per-tenant lag gauge.
 */
export function createMetrics(prisma: () => PrismaClient) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const seconds = (upToSeconds: number[]) => ({ registers, buckets: upToSeconds });
  const metrics = {
    registry,
    webhookAckSeconds: new Histogram({
      name: "stockhook_webhook_ack_duration_seconds",
      help: "Time from a webhook request reaching the app to its answer, by provider and outcome",
      labelNames: ["provider", "outcome"] as const,
      ...seconds([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    }),
    webhookDeliveries: new Counter({
      name: "stockhook_webhook_deliveries_total",
      help: "Webhook requests answered, by provider and outcome (accepted, duplicate, handshake or the HTTP status)",
      labelNames: ["provider", "outcome"] as const,
      registers,
    }),
    arrivalAttempts: new Counter({
      name: "stockhook_arrival_attempts_total",
      help: "Quiet tenants' deliveries this instance set out to apply itself on arrival, by outcome (applied; failed: left to the delivery's Inngest run; skipped: the instance's limit was reached)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    stockChanges: new Counter({
      name: "stockhook_stock_changes_total",
      help: "Stock changes the engine decided, by source (webhook, reconcile) and outcome (applied, unchanged, stale, duplicate, skipped)",
      labelNames: ["source", "outcome"] as const,
      registers,
    }),
    channelPushSeconds: new Histogram({
      name: "stockhook_channel_push_duration_seconds",
      help: "Duration of one storefront stock update call, by provider and outcome (succeeded, failed)",
      labelNames: ["provider", "outcome"] as const,
      ...seconds([0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
    }),
    channelPushFailures: new Counter({
      name: "stockhook_channel_push_failures_total",
      help: "Failed storefront stock update calls, by provider and reason",
      labelNames: ["provider", "reason"] as const,
      registers,
    }),
    reconcileRuns: new Counter({
      name: "stockhook_reconcile_runs_total",
      help: "Reconcile runs ended, by provider, mode (full, incremental) and outcome (succeeded, failed)",
      labelNames: ["provider", "mode", "outcome"] as const,
      registers,
    }),
    reconcileSeconds: new Histogram({
      name: "stockhook_reconcile_duration_seconds",
      help: "Duration of reconcile runs from start to end, by provider, mode and outcome",
      labelNames: ["provider", "mode", "outcome"] as const,
      ...seconds([1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200]),
    }),
    outboundAttempts: new Counter({
      name: "stockhook_outbound_delivery_attempts_total",
      help: "Outbound webhook delivery attempts, by outcome (delivered, http_4xx, http_5xx, gone, network_error)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    outboundAttemptSeconds: new Histogram({
      name: "stockhook_outbound_delivery_duration_seconds",
      help: "Duration of one outbound webhook delivery attempt, by outcome",
      labelNames: ["outcome"] as const,
      ...seconds([0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
    }),
    outboundGivenUp: new Counter({
      name: "stockhook_outbound_deliveries_given_up_total",
      help: "Outbound webhook deliveries given up (FAILED) after their last attempt or when the delivery function failed",
      registers,
    }),
  };
  new Gauge({
    name: "stockhook_db_pool_connections",
    help: "This process's PostgreSQL connections, by pool (main, fast_path) and state (in_use, idle); none on the embedded database",
    labelNames: ["pool", "state"] as const,
    registers,
    collect() {
      this.reset();
      for (const [pool, usage] of poolUsage()) {
        this.set({ pool, state: "in_use" }, usage.inUse);
        this.set({ pool, state: "idle" }, usage.idle);
      }
    },
  });
  new Gauge({
    name: "stockhook_db_pool_waiting_queries",
    help: "Statements of this process waiting for a free PostgreSQL connection, by pool (raise connection_limit when the main pool's stays above 0)",
    labelNames: ["pool"] as const,
    registers,
    collect() {
      this.reset();
      for (const [pool, usage] of poolUsage()) this.set({ pool }, usage.waiting);
    },
  });
  registerDatabaseGauges(registry, prisma);
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** On globalThis: every route bundle of the process (webhooks, Inngest, metrics) counts into one registry. */
const globalForMetrics = globalThis as unknown as { stockhookMetrics?: Metrics };

export function metrics(): Metrics {
  globalForMetrics.stockhookMetrics ??= createMetrics(() => db);
  return globalForMetrics.stockhookMetrics;
}
