import { afterAll, beforeAll, expect, it } from "vitest";
import type { SyncSchedule } from "@/generated/prisma/client";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { dueReconciles } from "./schedule";

let database: TestDatabase;
let fx: TenantFixture;
const now = new Date(Date.UTC(2031, 5, 1, 12, 0, 0));
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

async function source(name: string, syncSchedule: SyncSchedule, lastSyncAt: Date | null, lastFullSyncAt: Date | null, direction: "SOURCE" | "CHANNEL" = "SOURCE") {
  return database.prisma.connection.create({
    data: { tenantId: fx.tenant.id, provider: "SAM", direction, name, baseUrl: "http://127.0.0.1:9", syncSchedule, lastSyncAt, lastFullSyncAt },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createTenantFixture(database.prisma, "schedule");
  await database.prisma.connection.update({ where: { id: fx.connection.id }, data: { syncSchedule: "MANUAL" } });
});
afterAll(() => database?.close());

it("starts reconciles (drift checks for channels) whose schedule is due: full once a day, incremental in between, never for manual", async () => {
  const never = await source("never synced", "H24", null, null);
  const hourlyDue = await source("hourly, 2 h ago", "H1", hoursAgo(2), hoursAgo(3));
  await source("hourly, 10 min ago", "H1", hoursAgo(1 / 6), hoursAgo(3));
  const sixHourlyFull = await source("6-hourly, full 30 h ago", "H6", hoursAgo(7), hoursAgo(30));
  await source("12-hourly, 5 h ago", "H12", hoursAgo(5), hoursAgo(5));
  await source("manual", "MANUAL", null, null);
  const channel = await source("a channel", "H1", null, null, "CHANNEL");

  const due = await dueReconciles(database.prisma, now);
  expect(due.map((d) => [d.connectionId, d.mode]).sort()).toEqual(
    [[never.id, "full"], [hourlyDue.id, "incremental"], [sixHourlyFull.id, "full"], [channel.id, "full"]].sort(),
  );
});
