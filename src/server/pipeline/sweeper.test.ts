import { afterAll, beforeAll, expect, it } from "vitest";
import type { WebhookStatus } from "@/generated/prisma/client";
import { createTenantFixture, type TenantFixture } from "@/server/testing/fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/test-database";
import { findEventsToResend, markSent } from "./sweeper";

let database: TestDatabase;
let fx: TenantFixture;
const now = new Date(Date.UTC(2031, 0, 1, 12, 0, 0));
const ago = (ms: number) => new Date(now.getTime() - ms);

async function event(status: WebhookStatus, receivedAt: Date, sentAt: Date | null) {
  return database.prisma.webhookEvent.create({
    data: { tenantId: fx.tenant.id, connectionId: fx.connection.id, provider: "SAM", payloadHash: "1".repeat(64), signatureVerdict: "VALID", status, receivedAt, sentAt },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  fx = await createTenantFixture(database.prisma, "sweep");
});
afterAll(() => database?.close());

it("re-sends events Inngest never got and events stuck for 30 minutes, and nothing else", async () => {
  const unsent = await event("QUEUED", ago(60_000), null);
  await event("QUEUED", ago(5_000), null); // just arrived: its own send may still be in flight
  const stuckQueued = await event("QUEUED", ago(3_600_000), ago(3_600_000));
  const stuckProcessing = await event("PROCESSING", ago(2_000_000), ago(2_000_000));
  await event("PROCESSING", ago(60_000), ago(60_000)); // working on it
  await event("APPLIED", ago(3_600_000), ago(3_600_000));
  await event("FAILED", ago(3_600_000), ago(3_600_000)); // failures wait for a person's replay

  const candidates = await findEventsToResend(database.prisma, now);
  expect(candidates.map((c) => [c.id, c.reason]).sort()).toEqual(
    [[unsent.id, "unsent"], [stuckQueued.id, "stuck"], [stuckProcessing.id, "stuck"]].sort(),
  );
  expect(candidates.find((c) => c.id === unsent.id)?.eventId).toBe(unsent.id);
  expect(candidates.find((c) => c.id === stuckQueued.id)?.eventId).not.toBe(stuckQueued.id);

  await markSent(database.prisma, [unsent.id], now);
  expect((await findEventsToResend(database.prisma, now)).map((c) => c.id)).not.toContain(unsent.id);
});
