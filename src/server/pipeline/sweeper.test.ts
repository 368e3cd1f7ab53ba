import { expect } from "vitest";
import { test } from "@test-support/db-fixture";
import type { WebhookStatus } from "@/generated/prisma/client";
import { findEventsToResend, findOrphanedEvents, markOrphansResent, markSent } from "./sweeper";

const now = new Date(Date.UTC(2031, 0, 1, 12, 0, 0));
const ago = (ms: number) => new Date(now.getTime() - ms);

/** `event` records a delivery for tenant a's connection. */
const it = test.extend(
  "event",
  { scope: "file" },
  ({ prisma, tenantA: fx }) =>
    (status: WebhookStatus, receivedAt: Date, sentAt: Date | null) =>
      prisma.webhookEvent.create({
        data: {
          tenantId: fx.tenant.id,
          connectionId: fx.connection.id,
          provider: "SAM",
          payloadHash: "1".repeat(64),
          signatureVerdict: "VALID",
          status,
          receivedAt,
          sentAt,
        },
      }),
);

it("re-sends events Inngest never got and events stuck for 30 minutes, and nothing else", async ({ prisma, event }) => {
  const unsent = await event("QUEUED", ago(60_000), null);
  await event("QUEUED", ago(5_000), null); // just arrived: its own send may still be in flight
  const stuckQueued = await event("QUEUED", ago(3_600_000), ago(3_600_000));
  const stuckProcessing = await event("PROCESSING", ago(2_000_000), ago(2_000_000));
  await event("PROCESSING", ago(60_000), ago(60_000)); // working on it
  await event("APPLIED", ago(3_600_000), ago(3_600_000));
  await event("FAILED", ago(3_600_000), ago(3_600_000)); // failures wait for a person's replay

  const candidates = await findEventsToResend(prisma, now);
  expect(candidates.map((c) => [c.id, c.reason]).sort()).toEqual(
    [
      [unsent.id, "unsent"],
      [stuckQueued.id, "stuck"],
      [stuckProcessing.id, "stuck"],
    ].sort(),
  );
  expect(candidates.find((c) => c.id === unsent.id)?.eventId).toBe(unsent.id);
  expect(candidates.find((c) => c.id === stuckQueued.id)?.eventId).not.toBe(stuckQueued.id);

  await markSent(prisma, [unsent.id], now);
  expect((await findEventsToResend(prisma, now)).map((c) => c.id)).not.toContain(unsent.id);
});

it("re-sends an event PROCESSING over a minute whose run is gone, failed or cancelled, and leaves running runs alone", async ({
  prisma,
  event,
}) => {
  const processing = async (runId: string | null, sentAgo: number) => {
    const row = await event("PROCESSING", ago(sentAgo), ago(sentAgo));
    return prisma.webhookEvent.update({ where: { id: row.id }, data: { inngestRunId: runId } });
  };
  const lost = await processing("run-lost", 90_000);
  const failed = await processing("run-failed", 90_000);
  const cancelled = await processing("run-cancelled", 90_000);
  await processing("run-running", 90_000); // waiting out a breaker: still the run's business
  await processing("run-unreachable", 90_000); // the server did not answer: nothing is known
  await processing("run-lost-young", 30_000); // under a minute: its run may just be starting
  await processing(null, 90_000); // re-sent already, not claimed by the new run yet
  const asked: string[] = [];
  const lookup = async (runId: string) => {
    asked.push(runId);
    const base = { runId, url: null, startedAt: null, endedAt: null };
    if (runId === "run-lost")
      return { found: false as const, runId, reason: "unknown run", url: null, unknownToServer: true };
    if (runId === "run-unreachable") return { found: false as const, runId, reason: "did not answer", url: null };
    if (runId === "run-failed") return { ...base, found: true as const, status: "Failed" };
    if (runId === "run-cancelled") return { ...base, found: true as const, status: "CANCELLED" };
    return { ...base, found: true as const, status: "Running" };
  };

  const orphans = await findOrphanedEvents(prisma, now, lookup);
  expect(orphans.map((c) => c.id).sort()).toEqual([lost.id, failed.id, cancelled.id].sort());
  expect(orphans.every((c) => c.reason === "orphaned" && c.eventId !== c.id)).toBe(true);
  expect(asked).not.toContain("run-lost-young");

  await markOrphansResent(
    prisma,
    orphans.map((c) => c.id),
    now,
  );
  const resent = await prisma.webhookEvent.findMany({ where: { id: { in: orphans.map((c) => c.id) } } });
  expect(resent.every((row) => row.inngestRunId === null && row.sentAt?.getTime() === now.getTime())).toBe(true);
  expect(await findOrphanedEvents(prisma, now, lookup)).toEqual([]);
});
