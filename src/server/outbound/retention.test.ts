import { expect } from "vitest";
import { it } from "@test-support/db-fixture";
import { deleteExpiredOutboundEvents } from "./retention";

const now = new Date(Date.UTC(2026, 11, 6, 3, 0, 0));
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

it.beforeAll(async ({ prisma, tenantA: fixture }) => {
  await prisma.tenant.update({ where: { id: fixture.tenant.id }, data: { retentionDays: 7 } });
  const endpoint = await prisma.webhookEndpoint.create({
    data: { tenantId: fixture.tenant.id, url: "https://93.184.216.34/x", eventTypes: ["item.sold"] },
  });
  for (const [id, age, state] of [
    ["evt_new", 1, "SUCCEEDED"],
    ["evt_old", 8, "FAILED"],
    ["evt_old_pending", 8, "PENDING"],
  ] as const) {
    await prisma.outboundEvent.create({
      data: { id, tenantId: fixture.tenant.id, type: "item.sold", payload: {}, createdAt: daysAgo(age) },
    });
    const delivery = await prisma.outboundDelivery.create({
      data: { tenantId: fixture.tenant.id, endpointId: endpoint.id, eventId: id, state },
    });
    await prisma.outboundAttempt.create({
      data: { tenantId: fixture.tenant.id, deliveryId: delivery.id, attempt: 1, latencyMs: 5 },
    });
  }
});

it("deletes events past the tenant's retention with their deliveries and attempts, but not one still being retried", async ({
  prisma,
}) => {
  expect(await deleteExpiredOutboundEvents(prisma, now)).toEqual({ deleted: 1 });
  expect(
    (await prisma.outboundEvent.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((e) => e.id),
  ).toEqual(["evt_new", "evt_old_pending"]);
  expect(await prisma.outboundDelivery.count()).toBe(2);
  expect(await prisma.outboundAttempt.count()).toBe(2);
});
