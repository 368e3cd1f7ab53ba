import { describe, expect } from "vitest";
import { it } from "@test-support/db-fixture";
import { createTenantFixture } from "@test-support/fixtures";
import {
  RECONCILE_RETRIES,
  reconcileRetryDelaysMs,
  ReconcilePageError,
  reconcileRunPage,
  type ReconcileRun,
} from "./reconcile-run";

const noOutbound = async () => undefined;

describe("a failing reconcile page", () => {
  it("waits 10 s, 1 min, then 5 min, unless STOCKHOOK_RECONCILE_RETRY_DELAYS says otherwise", () => {
    expect(reconcileRetryDelaysMs({})).toEqual([10_000, 60_000, 300_000]);
    expect(reconcileRetryDelaysMs({ STOCKHOOK_RECONCILE_RETRY_DELAYS: "1,2,3" })).toEqual([1000, 2000, 3000]);
  });

  it("records the error and when the next attempt starts, then none after the last attempt", async ({ prisma }) => {
    // The fixture's connection has no API credentials: a real failure of the page's first call.
    const fixture = await createTenantFixture(prisma, "retrying");
    const row = await prisma.syncRun.create({
      data: {
        tenantId: fixture.tenant.id,
        connectionId: fixture.connection.id,
        trigger: "MANUAL",
        status: "RUNNING",
      },
    });
    const run: ReconcileRun = { ...row, direction: "SOURCE", updatedSince: null };
    const failedAt = new Date("2026-12-06T12:00:00Z");

    const first = await reconcileRunPage(prisma, run, null, noOutbound, 0, () => failedAt).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ReconcilePageError);
    const retryAt = new Date(failedAt.getTime() + reconcileRetryDelaysMs()[0]!);
    expect((first as ReconcilePageError).retryAt).toEqual(retryAt);
    expect(await prisma.syncRun.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "RUNNING",
      errorCount: 1,
      lastError: expect.stringContaining("no API credentials"),
      nextAttemptAt: retryAt,
    });

    const last = RECONCILE_RETRIES;
    const final = await reconcileRunPage(prisma, run, null, noOutbound, last, () => failedAt).catch((e: unknown) => e);
    expect((final as ReconcilePageError).retryAt).toBeNull();
    expect(await prisma.syncRun.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      errorCount: 2,
      nextAttemptAt: null,
    });
  });
});
