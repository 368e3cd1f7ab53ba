import { Gauge, type Registry } from "prom-client";
import type { PrismaClient } from "@/generated/prisma/client";
import { logFor } from "@/server/logger";
import { providerLabel } from "./labels";

/**
 * Gauges read from the database when Prometheus scrapes, not counted in memory: the pipeline's
 * backlog and the storefronts' circuit breakers are shared state, so every instance reports the
 * same values (aggregate them with max, not sum). A failed query leaves the gauges empty for that
 * scrape instead of failing the whole scrape (the process metrics still come through).
 */
interface BacklogRow {
  tenant_id: string;
  status: string;
  waiting: number;
  oldest: Date;
}

interface BreakerRow {
  provider: string;
  channels: number;
  open: number;
  failing: number;
}

/**
 * The gauges of one query share it within a scrape: prom-client starts every metric's collect()
 * in the same tick, so they all find the query in flight. The next scrape queries afresh.
 */
function sharedPerScrape<T>(load: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => (inFlight ??= load().finally(() => (inFlight = undefined)));
}

const log = logFor({ area: "metrics" });

async function orNothing<T>(what: string, load: () => Promise<T[]>): Promise<T[]> {
  try {
    return await load();
  } catch (error) {
    log.warn({ error: error instanceof Error ? error.message : String(error) }, `could not read ${what}`);
    return [];
  }
}

export function registerDatabaseGauges(registry: Registry, prisma: () => PrismaClient): void {
  const registers = [registry];
  // Served by the (status, receivedAt) index; the work grows with the backlog, not the event log.
  const backlog = sharedPerScrape(() =>
    orNothing(
      "the pipeline backlog",
      () =>
        prisma().$queryRaw<BacklogRow[]>`
        SELECT "tenantId" AS tenant_id, "status"::text AS status, count(*)::int AS waiting, min("receivedAt") AS oldest
        FROM "WebhookEvent" WHERE "status" IN ('QUEUED', 'PROCESSING')
        GROUP BY "tenantId", "status"`,
    ),
  );
  // One row per channel provider in use; the Connection table holds a few rows per tenant.
  const breakers = sharedPerScrape(() =>
    orNothing(
      "the circuit breakers",
      () =>
        prisma().$queryRaw<BreakerRow[]>`
        SELECT "provider"::text AS provider, count(*)::int AS channels,
          count(*) FILTER (WHERE "circuitOpenUntil" > ${new Date()})::int AS open,
          count(*) FILTER (WHERE "consecutiveFailures" > 0)::int AS failing
        FROM "Connection" WHERE "direction" = 'CHANNEL' AND "status" = 'ACTIVE'
        GROUP BY "provider"`,
    ),
  );

  new Gauge({
    name: "stockhook_pipeline_oldest_event_age_seconds",
    help: "Age of the oldest webhook event still QUEUED or PROCESSING, per tenant (absent when none waits)",
    labelNames: ["tenant_id", "status"] as const,
    registers,
    async collect() {
      this.reset();
      const now = Date.now();
      for (const row of await backlog())
        this.set(
          { tenant_id: row.tenant_id, status: row.status.toLowerCase() },
          Math.max(0, (now - row.oldest.getTime()) / 1000),
        );
    },
  });
  new Gauge({
    name: "stockhook_pipeline_events_waiting",
    help: "Webhook events still QUEUED or PROCESSING, all tenants together",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      this.reset();
      const rows = await backlog();
      for (const status of ["queued", "processing"])
        this.set(
          { status },
          rows.filter((row) => row.status.toLowerCase() === status).reduce((sum, row) => sum + row.waiting, 0),
        );
    },
  });
  new Gauge({
    name: "stockhook_circuit_breakers_open",
    help: "Active storefront connections whose circuit breaker is open (pushes paused), by provider",
    labelNames: ["provider"] as const,
    registers,
    async collect() {
      this.reset();
      for (const row of await breakers()) this.set({ provider: providerLabel(row.provider) }, row.open);
    },
  });
  new Gauge({
    name: "stockhook_channels_failing",
    help: "Active storefront connections whose last push failed (consecutive failures above zero), by provider",
    labelNames: ["provider"] as const,
    registers,
    async collect() {
      this.reset();
      for (const row of await breakers()) this.set({ provider: providerLabel(row.provider) }, row.failing);
    },
  });
  new Gauge({
    name: "stockhook_channels",
    help: "Active storefront connections, by provider",
    labelNames: ["provider"] as const,
    registers,
    async collect() {
      this.reset();
      for (const row of await breakers()) this.set({ provider: providerLabel(row.provider) }, row.channels);
    },
  });
}
