import { describe, expect } from "vitest";
import fc from "fast-check";
import type { PrismaClient } from "@/generated/prisma/client";
import { test } from "@test-support/db-fixture";
import type { TenantFixture } from "@test-support/fixtures";
import { applyStockChange } from "@/server/inventory/apply-change";
import { applyEvents, failEvents, type ApplyRequest, type PushRow } from "./apply-batch";

let sequence = 0;
const at = (second: number) => new Date(Date.UTC(2026, 11, 6, 10, 0, second));
const noSource: ApplyRequest["sourceFor"] = async () => {
  throw new Error("no source read expected");
};

async function linkedItem(prisma: PrismaClient, fx: TenantFixture, quantity: number, oneOfAKind = false) {
  sequence += 1;
  const item = await prisma.item.create({
    data: { tenantId: fx.tenant.id, sku: `B-${sequence}`, title: "Batch", quantity, oneOfAKind },
  });
  const externalId = `bx-${sequence}`;
  await prisma.itemLink.create({
    data: { tenantId: fx.tenant.id, itemId: item.id, connectionId: fx.connection.id, externalId },
  });
  return { item, externalId };
}

async function delivery(
  prisma: PrismaClient,
  fx: TenantFixture,
  changes: { externalId: string; quantity?: number; sourceAt: Date; locationId?: string }[],
  receivedAt = new Date(),
) {
  return prisma.webhookEvent.create({
    data: {
      tenantId: fx.tenant.id,
      connectionId: fx.connection.id,
      provider: "SAM",
      payloadHash: "1".repeat(64),
      signatureVerdict: "VALID",
      status: "QUEUED",
      receivedAt,
      payload: { changes: changes.map((c) => ({ ...c, sourceAt: c.sourceAt.toISOString() })) },
    },
  });
}

const request = (fx: TenantFixture, eventIds: string[], extra: Partial<ApplyRequest> = {}): ApplyRequest => ({
  tenantId: fx.tenant.id,
  eventIds,
  runId: `run-${(sequence += 1)}`,
  attempt: 0,
  replay: false,
  sourceFor: noSource,
  sendPushes: async () => undefined,
  ...extra,
});

async function snapshot(prisma: PrismaClient, itemId: string) {
  const item = await prisma.item.findUniqueOrThrow({
    where: { id: itemId },
    select: { quantity: true, status: true, version: true, lastSourceAt: true },
  });
  const levels = await prisma.stockLevel.findMany({
    where: { itemId },
    select: { locationId: true, quantity: true },
    orderBy: { locationId: "asc" },
  });
  const changes = await prisma.stockChange.findMany({
    where: { itemId },
    select: { quantityBefore: true, quantityAfter: true, statusBefore: true, statusAfter: true },
    orderBy: { createdAt: "asc" },
  });
  return { item, levels, changes };
}

describe("applying deliveries set-wise", () => {
  test("gives the same items, levels, history and verdicts as one delivery at a time (property)", async ({
    prisma,
    tenantA: fx,
  }) => {
    const change = fc.record({
      second: fc.nat(20),
      // Every change carries a quantity: one without asks the source first (not this test's subject).
      quantity: fc.nat(6),
      otherLocation: fc.boolean(),
      item: fc.nat(1),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { minLength: 1, maxLength: 6 }),
        fc.nat(4),
        fc.boolean(),
        async (drawn, startQuantity, oneOfAKind) => {
          // Two identical pairs of items: one pair gets the deliveries one by one, the other as a batch.
          const single = [
            await linkedItem(prisma, fx, startQuantity, oneOfAKind),
            await linkedItem(prisma, fx, startQuantity, oneOfAKind),
          ];
          const batched = [
            await linkedItem(prisma, fx, startQuantity, oneOfAKind),
            await linkedItem(prisma, fx, startQuantity, oneOfAKind),
          ];
          // One by one in source-time order (ties in arrival order): what the fold promises.
          const order = drawn
            .map((d, index) => ({ ...d, index }))
            .sort((a, b) => a.second - b.second || a.index - b.index);
          const singleKinds: string[] = [];
          for (const d of order) {
            const outcome = await applyStockChange(prisma, fx.tenant.id, {
              connectionId: fx.connection.id,
              externalId: single[d.item]!.externalId,
              quantity: d.quantity,
              locationId: d.otherLocation ? "x" : undefined,
              sourceAt: at(d.second),
              source: "webhook",
            });
            singleKinds[d.index] = outcome.kind;
          }
          const base = Date.now();
          const events = [];
          for (const [index, d] of drawn.entries())
            events.push(
              await delivery(
                prisma,
                fx,
                [
                  {
                    externalId: batched[d.item]!.externalId,
                    quantity: d.quantity,
                    locationId: d.otherLocation ? "x" : undefined,
                    sourceAt: at(d.second),
                  },
                ],
                new Date(base + index),
              ),
            );
          const result = await applyEvents(prisma, request(fx, events.map((e) => e.id).reverse(), { lane: "batch" }));
          for (const index of [0, 1])
            expect(await snapshot(prisma, batched[index]!.item.id)).toEqual(
              await snapshot(prisma, single[index]!.item.id),
            );
          const expected = singleKinds.map((kind) =>
            kind === "applied" || kind === "unchanged" ? "APPLIED" : kind.toUpperCase(),
          );
          expect(events.map((e) => result.verdicts[e.id]?.status)).toEqual(expected);
          const stored = await prisma.webhookEvent.findMany({
            where: { id: { in: events.map((e) => e.id) } },
            select: { id: true, status: true },
          });
          expect(new Map(stored.map((e) => [e.id, e.status]))).toEqual(
            new Map(events.map((e, index) => [e.id, expected[index]])),
          );
        },
      ),
      { numRuns: 12 },
    );
  }, 240_000);

  test("applies nothing twice when the same batch runs again or two runs race for it", async ({
    prisma,
    tenantA: fx,
  }) => {
    const a = await linkedItem(prisma, fx, 10);
    const b = await linkedItem(prisma, fx, 10);
    const events = [
      await delivery(prisma, fx, [{ externalId: a.externalId, quantity: 9, sourceAt: at(1) }]),
      await delivery(prisma, fx, [{ externalId: b.externalId, quantity: 8, sourceAt: at(1) }]),
      await delivery(prisma, fx, [{ externalId: a.externalId, quantity: 7, sourceAt: at(2) }]),
    ];
    const ids = events.map((e) => e.id);
    const [first, second] = await Promise.all([
      applyEvents(prisma, request(fx, ids)),
      applyEvents(prisma, request(fx, [ids[2]!, ids[0]!])),
    ]);
    const again = await applyEvents(prisma, request(fx, ids));
    expect(again.claimed).toEqual([]);
    expect(Object.keys(first.verdicts).length + Object.keys(second.verdicts).length).toBe(3);
    expect((await snapshot(prisma, a.item.id)).item).toMatchObject({ quantity: 7, version: 2 });
    expect((await snapshot(prisma, b.item.id)).item).toMatchObject({ quantity: 8, version: 1 });
    expect(await prisma.stockChange.count({ where: { webhookEventId: { in: ids } } })).toBe(3);
    expect(await prisma.pipelineAttempt.count({ where: { webhookEventId: { in: ids } } })).toBe(3);
  });

  test("takes over a delivery that an attempt on arrival claimed and could not finish", async ({
    prisma,
    tenantA: fx,
  }) => {
    const a = await linkedItem(prisma, fx, 4);
    // The delivery names the product only, so the apply asks the source, which the attempt could not reach.
    const event = await delivery(prisma, fx, [{ externalId: a.externalId, sourceAt: at(3) }]);
    const unreachable: ApplyRequest["sourceFor"] = async () => {
      throw new Error("source unreachable");
    };
    await expect(
      applyEvents(prisma, request(fx, [event.id], { runId: "arrival:first", sourceFor: unreachable })),
    ).rejects.toThrow("source unreachable");
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({
      status: "PROCESSING",
      inngestRunId: "arrival:first",
    });

    const source: ApplyRequest["sourceFor"] = async () => ({
      getItem: async (externalId: string) => ({
        externalId,
        sku: a.item.sku,
        title: a.item.title,
        quantity: 2,
        status: "AVAILABLE",
        updatedAt: at(3),
      }),
    });
    const run = await applyEvents(prisma, request(fx, [event.id], { runId: "run-takes-over", sourceFor: source }));
    expect(run.claimed).toEqual([event.id]);
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({
      status: "APPLIED",
      inngestRunId: "run-takes-over",
    });
    expect((await snapshot(prisma, a.item.id)).item).toMatchObject({ quantity: 2, version: 1 });
  });

  test("50 concurrent deliveries for one item apply each exactly once, in source-time order", async ({
    prisma,
    tenantA: fx,
  }) => {
    const { item, externalId } = await linkedItem(prisma, fx, 100);
    const events = [];
    for (let n = 1; n <= 50; n += 1)
      events.push(await delivery(prisma, fx, [{ externalId, quantity: 100 - n, sourceAt: at(n) }]));
    // Every delivery in its own run, at once, plus a duplicate run of each tenth one.
    await Promise.all([
      ...events.map((e) => applyEvents(prisma, request(fx, [e.id]))),
      ...events.filter((_, n) => n % 10 === 0).map((e) => applyEvents(prisma, request(fx, [e.id]))),
    ]);
    const after = await prisma.item.findUniqueOrThrow({ where: { id: item.id } });
    expect(after.quantity).toBe(50);
    const statuses = await prisma.webhookEvent.findMany({
      where: { id: { in: events.map((e) => e.id) } },
      select: { status: true },
    });
    expect(statuses.every((e) => e.status === "APPLIED" || e.status === "STALE")).toBe(true);
    const applied = await prisma.stockChange.count({ where: { itemId: item.id } });
    expect(after.version).toBe(applied);
    expect(await prisma.pipelineAttempt.count({ where: { webhookEventId: { in: events.map((e) => e.id) } } })).toBe(50);
  });

  test("writes push rows for each active channel and hands them over before the commit", async ({
    prisma,
    tenantA: fx,
  }) => {
    const channel = await prisma.connection.create({
      data: {
        tenantId: fx.tenant.id,
        provider: "WOOCOMMERCE",
        direction: "CHANNEL",
        name: "Woo",
        baseUrl: "http://127.0.0.1:4010/woo/x",
        status: "ACTIVE",
      },
    });
    const { item, externalId } = await linkedItem(prisma, fx, 3);
    await prisma.itemLink.create({
      data: { tenantId: fx.tenant.id, itemId: item.id, connectionId: channel.id, externalId: "woo-1" },
    });
    const events = [
      await delivery(prisma, fx, [{ externalId, quantity: 2, sourceAt: at(1) }]),
      await delivery(prisma, fx, [{ externalId, quantity: 1, sourceAt: at(2) }]),
      await delivery(prisma, fx, [{ externalId: "nobody", quantity: 1, sourceAt: at(2) }]),
    ];
    let handed: PushRow[] = [];
    const result = await applyEvents(
      prisma,
      request(
        fx,
        events.map((e) => e.id),
        {
          sendPushes: async (pushes) => {
            handed = pushes;
          },
        },
      ),
    );
    expect(handed).toHaveLength(2);
    expect(handed.every((p) => p.connectionId === channel.id && p.externalId === "woo-1")).toBe(true);
    const rows = await prisma.channelPush.findMany({ where: { id: { in: handed.map((p) => p.id) } } });
    // Every row carries the item's final state: pushes send absolute state.
    expect(rows.map((r) => r.quantity)).toEqual([1, 1]);
    expect(result.verdicts[events[2]!.id]).toMatchObject({
      status: "SKIPPED",
      action: "no local product for sam_id nobody",
    });
    await prisma.connection.delete({ where: { id: channel.id } });
  });

  test("a failed batch marks every one of its events FAILED, by id or by run", async ({ prisma, tenantA: fx }) => {
    const { externalId } = await linkedItem(prisma, fx, 3);
    const events = [
      await delivery(prisma, fx, [{ externalId, quantity: 2, sourceAt: at(1) }]),
      await delivery(prisma, fx, [{ externalId, quantity: 1, sourceAt: at(2) }]),
    ];
    await prisma.webhookEvent.updateMany({
      where: { id: { in: events.map((e) => e.id) } },
      data: { status: "PROCESSING", inngestRunId: "run-failed" },
    });
    expect(await failEvents(prisma, { ids: [events[0]!.id], runId: "run-failed" }, "boom")).toBe(2);
    const stored = await prisma.webhookEvent.findMany({ where: { id: { in: events.map((e) => e.id) } } });
    expect(stored.map((e) => [e.status, e.error])).toEqual([
      ["FAILED", "boom"],
      ["FAILED", "boom"],
    ]);
  });
});
