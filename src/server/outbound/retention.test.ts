import { afterAll, beforeAll, expect, it } from "vitest";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { deleteExpiredOutboundEvents } from "./retention";

let database: TestDatabase;
let fixture: TenantFixture;
const now = new Date(Date.UTC(2026, 11, 6, 3, 0, 0));
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

beforeAll(async () => {
  database = await createTestDatabase();
  fixture = await createTenantFixture(database.prisma, "retention");
  await database.prisma.tenant.update({ where: { id: fixture.tenant.id }, data: { retentionDays: 7 } });
  const endpoint = await database.prisma.webhookEndpoint.create({ data: { tenantId: fixture.tenant.id, url: "https://93.184.216.34/x", eventTypes: ["item.sold"] } });
  for (const [id, age, state] of [["evt_new", 1, "SUCCEEDED"], ["evt_old", 8, "FAILED"], ["evt_old_pending", 8, "PENDING"]] as const) {
    await database.prisma.outboundEvent.create({ data: { id, tenantId: fixture.tenant.id, type: "item.sold", payload: {}, createdAt: daysAgo(age) } });
    const delivery = await database.prisma.outboundDelivery.create({ data: { tenantId: fixture.tenant.id, endpointId: endpoint.id, eventId: id, state } });
    await database.prisma.outboundAttempt.create({ data: { tenantId: fixture.tenant.id, deliveryId: delivery.id, attempt: 1, latencyMs: 5 } });
  }
});
afterAll(() => database?.close());

it("deletes events past the tenant's retention with their deliveries and attempts, but not one still being retried", async () => {
  expect(await deleteExpiredOutboundEvents(database.prisma, now)).toEqual({ deleted: 1 });
  expect((await database.prisma.outboundEvent.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((e) => e.id)).toEqual(["evt_new", "evt_old_pending"]);
  expect(await database.prisma.outboundDelivery.count()).toBe(2);
  expect(await database.prisma.outboundAttempt.count()).toBe(2);
});
