import { expect } from "vitest";
import { it } from "@test-support/db-fixture";
import type { TenantFixture } from "@test-support/fixtures";
import { deleteExpiredWebhookEvents } from "./retention";

const now = new Date(Date.UTC(2026, 10, 22, 3, 0, 0));
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

// Tenant a keeps its events 7 days, tenant b as long as the default.
it.beforeAll(async ({ prisma, tenantA: shortLived, tenantB: longLived }) => {
  await prisma.tenant.update({ where: { id: shortLived.tenant.id }, data: { retentionDays: 7 } });
  for (const fx of [shortLived, longLived]) {
    for (const age of [1, 8, 100]) {
      await prisma.webhookEvent.create({
        data: {
          tenantId: fx.tenant.id,
          connectionId: fx.connection.id,
          provider: "SAM",
          payloadHash: "0".repeat(64),
          signatureVerdict: "VALID",
          status: "APPLIED",
          receivedAt: daysAgo(age),
          payload: { age },
          // The request as sent (signature included) lives on the row, so it expires with it.
          requestHeaders: { "x-sam-signature": "a".repeat(64) },
          rawBody: Buffer.from(JSON.stringify({ age })),
        },
      });
    }
  }
});

it("deletes each tenant's events older than its own retention, and nothing else", async ({
  prisma,
  tenantA: shortLived,
  tenantB: longLived,
}) => {
  const result = await deleteExpiredWebhookEvents(prisma, now);
  expect(result.deleted).toBe(3);
  const remaining = async (fx: TenantFixture) =>
    (
      await prisma.webhookEvent.findMany({
        where: { tenantId: fx.tenant.id, receivedAt: { lt: now } },
        select: { payload: true },
      })
    )
      .map((e) => (e.payload as { age: number }).age)
      .sort((a, b) => a - b);
  expect(await remaining(shortLived)).toEqual([1]);
  expect(await remaining(longLived)).toEqual([1, 8]);
  const rawBodiesKept = await prisma.webhookEvent.findMany({
    where: { tenantId: { in: [shortLived.tenant.id, longLived.tenant.id] }, rawBody: { not: null } },
    select: { rawBody: true },
  });
  expect(rawBodiesKept.map((e) => JSON.parse(Buffer.from(e.rawBody!).toString()).age).sort()).toEqual([1, 1, 8]);
});

it("keeps refused-request counters as long as the tenant's events", async ({ prisma, tenantA: shortLived }) => {
  for (const age of [1, 8]) {
    await prisma.webhookRejection.create({
      data: {
        tenantId: shortLived.tenant.id,
        connectionId: shortLived.connection.id,
        minute: daysAgo(age),
        responseStatus: 401,
        signatureVerdict: "INVALID",
        count: age,
        lastAt: daysAgo(age),
      },
    });
  }
  await deleteExpiredWebhookEvents(prisma, now);
  expect(
    (
      await prisma.webhookRejection.findMany({ where: { tenantId: shortLived.tenant.id }, select: { count: true } })
    ).map((row) => row.count),
  ).toEqual([1]);
});
