import { expect } from "vitest";
import { test } from "@test-support/db-fixture";
import type { SyncSchedule } from "@/generated/prisma/client";
import { dueReconciles } from "./schedule";

const now = new Date(Date.UTC(2031, 5, 1, 12, 0, 0));
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

/** `source` adds a connection to tenant a. */
const it = test.extend(
  "source",
  { scope: "file" },
  ({ prisma, tenantA: fx }) =>
    (
      name: string,
      syncSchedule: SyncSchedule,
      lastSyncAt: Date | null,
      lastFullSyncAt: Date | null,
      direction: "SOURCE" | "CHANNEL" = "SOURCE",
    ) =>
      prisma.connection.create({
        data: {
          tenantId: fx.tenant.id,
          provider: "SAM",
          direction,
          name,
          baseUrl: "http://127.0.0.1:9",
          syncSchedule,
          lastSyncAt,
          lastFullSyncAt,
        },
      }),
);

it.beforeAll(async ({ prisma, tenantA: fx }) => {
  await prisma.connection.update({ where: { id: fx.connection.id }, data: { syncSchedule: "MANUAL" } });
});

it("starts reconciles (drift checks for channels) whose schedule is due: full once a day, incremental in between, never for manual", async ({
  prisma,
  source,
}) => {
  const never = await source("never synced", "H24", null, null);
  const hourlyDue = await source("hourly, 2 h ago", "H1", hoursAgo(2), hoursAgo(3));
  await source("hourly, 10 min ago", "H1", hoursAgo(1 / 6), hoursAgo(3));
  const sixHourlyFull = await source("6-hourly, full 30 h ago", "H6", hoursAgo(7), hoursAgo(30));
  await source("12-hourly, 5 h ago", "H12", hoursAgo(5), hoursAgo(5));
  await source("manual", "MANUAL", null, null);
  const channel = await source("a channel", "H1", null, null, "CHANNEL");

  const due = await dueReconciles(prisma, now);
  expect(due.map((d) => [d.connectionId, d.mode]).sort()).toEqual(
    [
      [never.id, "full"],
      [hourlyDue.id, "incremental"],
      [sixHourlyFull.id, "full"],
      [channel.id, "full"],
    ].sort(),
  );
});
