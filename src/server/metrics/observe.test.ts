import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyStockChange } from "@/server/inventory/apply-change";
import { failSyncRun, finishSyncRun, startSyncRun } from "@/server/inventory/reconcile";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { metrics } from "./registry";

/** The stock engine and sync-run ends count into the process's registry, on a real database. */
let database: TestDatabase;
let fx: TenantFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createTenantFixture(database.prisma, "metrics");
}, 120_000);
afterAll(() => database?.close());

async function value(metric: { get: () => Promise<{ values: { labels: object; value: number }[] }> }, labels: object) {
  const found = (await metric.get()).values.find((entry) => JSON.stringify(entry.labels) === JSON.stringify(labels));
  return found?.value ?? 0;
}

describe("counted work", () => {
  it("counts a reconcile run that succeeds and one that fails, with their durations", async () => {
    const { reconcileRuns, reconcileSeconds } = metrics();
    const succeeded = { provider: "sam", mode: "full", outcome: "succeeded" };
    const failed = { provider: "sam", mode: "incremental", outcome: "failed" };
    const before = [await value(reconcileRuns, succeeded), await value(reconcileRuns, failed)];
    const run = await startSyncRun(database.prisma, {
      tenantId: fx.tenant.id,
      connectionId: fx.connection.id,
      trigger: "MANUAL",
      mode: "FULL",
    });
    await finishSyncRun(database.prisma, run);
    const failing = await startSyncRun(database.prisma, {
      tenantId: fx.tenant.id,
      connectionId: fx.connection.id,
      trigger: "MANUAL",
      mode: "INCREMENTAL",
    });
    await failSyncRun(database.prisma, fx.tenant.id, failing.id, "the platform is down");
    // Failing a run that already ended counts nothing more.
    await failSyncRun(database.prisma, fx.tenant.id, failing.id, "again");
    expect(await value(reconcileRuns, succeeded)).toBe(before[0]! + 1);
    expect(await value(reconcileRuns, failed)).toBe(before[1]! + 1);
    const durations = (await reconcileSeconds.get()).values.filter(
      (entry) => entry.metricName === "stockhook_reconcile_duration_seconds_count",
    );
    expect(durations.length).toBeGreaterThanOrEqual(2);
  });

  it("counts the stock engine's verdicts by source and outcome", async () => {
    const { stockChanges } = metrics();
    const skipped = { source: "webhook", outcome: "skipped" };
    const before = await value(stockChanges, skipped);
    const outcome = await applyStockChange(database.prisma, fx.tenant.id, {
      connectionId: fx.connection.id,
      externalId: "not-linked",
      quantity: 0,
      sourceAt: new Date(),
      source: "webhook",
    });
    expect(outcome.kind).toBe("skipped");
    expect(await value(stockChanges, skipped)).toBe(before + 1);
  });
});
