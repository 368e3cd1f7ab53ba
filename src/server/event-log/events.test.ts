import { describe, expect } from "vitest";
import type { Prisma } from "@/generated/prisma/client";
import { test } from "@test-support/db-fixture";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { itemTimeline } from "./item-timeline";
import { completedSince, queueStats } from "./queue-stats";
import { replayEvents } from "./replay";
import { eventDetail, listTimeline } from "./timeline";

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
type EventRow = Partial<Omit<Prisma.WebhookEventUncheckedCreateInput, "tenant">> & { tenant?: TenantFixture };

/** Tenant a is the one reading (`db`); `event` records a delivery, by default for tenant a. */
const it = test
  .extend("db", { scope: "file" }, ({ prisma, tenantA }) => scopeToTenant(prisma, tenantA.tenant.id))
  .extend(
    "event",
    { scope: "file" },
    ({ prisma, tenantA }) =>
      ({ tenant: owner = tenantA, ...data }: EventRow) =>
        prisma.webhookEvent.create({
          data: {
            tenantId: owner.tenant.id,
            connectionId: owner.connection.id,
            provider: "SAM",
            payloadHash: "f".repeat(64),
            signatureVerdict: "VALID",
            status: "APPLIED",
            ...data,
          },
        }),
  );

describe("timeline", () => {
  it("pages newest first and filters by status, topic, verdict and time range", async ({ db, event }) => {
    for (let i = 0; i < 7; i += 1)
      await event({
        topic: i % 2 ? "product.updated" : "product.created",
        status: i === 3 ? "FAILED" : "APPLIED",
        receivedAt: minutesAgo(100 + i),
      });
    await event({ status: "REJECTED", signatureVerdict: "INVALID", receivedAt: minutesAgo(99) });

    const first = await listTimeline(db, { from: minutesAgo(120) }, null, 3);
    expect(first.events).toHaveLength(3);
    expect(first.events[0]!.receivedAt >= first.events[1]!.receivedAt).toBe(true);
    const second = await listTimeline(db, { from: minutesAgo(120) }, first.nextCursor, 3);
    expect(second.events.map((e) => e.id)).not.toContain(first.events[0]!.id);
    expect((await listTimeline(db, { status: ["FAILED"] })).events).toHaveLength(1);
    expect((await listTimeline(db, { verdict: "INVALID" })).events).toHaveLength(1);
    expect((await listTimeline(db, { topic: "product.updated", from: minutesAgo(120) })).events).toHaveLength(3);
    expect((await listTimeline(db, { from: minutesAgo(103.5), to: minutesAgo(100.5) })).events).toHaveLength(3);
  });

  it("finds events by SKU, external id, delivery id and event id, never another tenant's", async ({
    db,
    event,
    tenantA: fx,
    tenantB: other,
  }) => {
    const bySku = await event({ itemId: fx.item.id, externalIds: ["sam-77"], deliveryId: "dlv-1" });
    await event({ tenant: other, itemId: other.item.id, externalIds: ["sam-77"], deliveryId: "dlv-1" });
    for (const search of [fx.item.sku.toLowerCase(), "sam-77", "dlv-1", bySku.id]) {
      const { events } = await listTimeline(db, { search });
      expect(events.map((e) => e.id)).toEqual([bySku.id]);
      expect(events[0]!.sku).toBe(fx.item.sku);
    }
    expect((await listTimeline(db, { search: other.item.sku })).events).toHaveLength(0);
  });

  it("searches case-insensitively and by part of a SKU, an external id, a delivery id or an event id", async ({
    prisma,
    db,
    event,
    tenantA: fx,
  }) => {
    const item = await prisma.item.create({ data: { tenantId: fx.tenant.id, sku: "ART-0011", title: "Search me" } });
    await prisma.itemLink.create({
      data: { tenantId: fx.tenant.id, itemId: item.id, connectionId: fx.connection.id, externalId: "SAM-90011" },
    });
    const matched = await event({ itemId: item.id, externalIds: ["SAM-90011"], deliveryId: "DLV-Search-42" });
    // No item matched this delivery, but it names the linked product.
    const unmatched = await event({ externalIds: ["SAM-90011"] });
    const both = [unmatched.id, matched.id].sort();
    for (const search of ["ART-0011", "art-0011", "0011", "t-001", "sam-9001"]) {
      const { events } = await listTimeline(db, { search });
      expect(events.map((e) => e.id).sort(), search).toEqual(both);
    }
    for (const search of ["dlv-search", "SEARCH-42", matched.id.slice(0, 12).toUpperCase()])
      expect(
        (await listTimeline(db, { search })).events.map((e) => e.id),
        search,
      ).toEqual([matched.id]);
    // The Item column names the SKU even when the event was matched by external id only.
    const rows = (await listTimeline(db, { search: "art-0011" })).events;
    expect(rows.map((row) => row.sku)).toEqual(["ART-0011", "ART-0011"]);
  });

  it("finds events by a JSON path in the payload the platform sent", async ({ prisma, db, event }) => {
    const payload = (body: object) => ({ changes: [], body });
    const sku7 = await event({ payload: payload({ data: { sku: "ART-0007", qty: 3 } }) });
    const inLines = await event({ payload: payload({ lines: [{ sku: "ART-0008" }, { sku: "ART-0009" }] }) });
    await event({ payload: payload({ data: { sku: "ART-0070" } }) });
    const ids = async (search: string) =>
      (await listTimeline(db, { search }, null, undefined, prisma)).events.map((e) => e.id);
    expect(await ids("data.sku = ART-0007")).toEqual([sku7.id]);
    expect(await ids('data.sku="ART-0007"')).toEqual([sku7.id]);
    expect(await ids("data.qty = 3")).toEqual([sku7.id]);
    expect(await ids("lines[].sku = ART-0009")).toEqual([inLines.id]);
    expect(await ids("data.sku = ART-00")).toEqual([]);
    // The drawer shows the body as the platform sent it, not the wrapper Stockhook stores it in.
    expect((await eventDetail(db, sku7.id))!.body).toEqual({ data: { sku: "ART-0007", qty: 3 } });
  });

  it("details an event with its stock change and storefront pushes; a rejected payload is never shown", async ({
    prisma,
    db,
    event,
    tenantA: fx,
    tenantB: other,
  }) => {
    const applied = await event({
      itemId: fx.item.id,
      payload: { changes: [{ externalId: "sam-1" }] },
      headers: { "content-type": "application/json" },
    });
    await prisma.stockChange.create({
      data: {
        tenantId: fx.tenant.id,
        itemId: fx.item.id,
        quantityBefore: 1,
        quantityAfter: 0,
        statusBefore: "AVAILABLE",
        statusAfter: "SOLD",
        source: "webhook",
        webhookEventId: applied.id,
      },
    });
    await prisma.channelPush.create({
      data: {
        tenantId: fx.tenant.id,
        connectionId: fx.connection.id,
        itemId: fx.item.id,
        webhookEventId: applied.id,
        quantity: 0,
        status: "SOLD",
        state: "SUCCEEDED",
        attempts: 1,
        pushedAt: new Date(),
      },
    });
    const detail = await eventDetail(db, applied.id);
    expect(detail).toMatchObject({
      headers: { "content-type": "application/json" },
      request: null,
      changes: [{ quantityAfter: 0, statusAfter: "SOLD" }],
      pushes: [{ state: "SUCCEEDED" }],
      replayable: false,
    });

    const rejected = await event({ status: "REJECTED", signatureVerdict: "INVALID", payload: { leaked: true } });
    // The internal wrapper (with the changes Stockhook read) never reaches the drawer.
    expect(detail).not.toHaveProperty("payload");
    expect((await eventDetail(db, rejected.id))?.body).toBeNull();
    expect(await eventDetail(db, other.event.id)).toBeNull();
  });
});

describe("replay", () => {
  it("re-queues failed and skipped deliveries under a fresh Inngest id, once, and refuses the rest", async ({
    prisma,
    db,
    event,
    tenantB: other,
  }) => {
    const failed = await event({
      status: "FAILED",
      error: "storefront down",
      externalIds: ["sam-5"],
      receivedAt: minutesAgo(300),
    });
    const skipped = await event({ status: "SKIPPED" });
    const applied = await event({ status: "APPLIED" });
    const sent: { id?: string; data: Record<string, unknown> }[] = [];
    const send = async (message: { id?: string; data: Record<string, unknown> }) => void sent.push(message);

    const [first, second] = await Promise.all([
      replayEvents(db, [failed.id, skipped.id, applied.id, other.event.id], send),
      replayEvents(db, [failed.id], send),
    ]);
    expect([...first.replayed, ...second.replayed].sort()).toEqual([failed.id, skipped.id].sort());
    // Whichever request claimed them, each is handed over once, under an id Inngest has not seen.
    const named = sent.flatMap((m) => (m.data.webhookEventIds as string[] | undefined) ?? [m.data.webhookEventId]);
    expect(named.sort()).toEqual([failed.id, skipped.id].sort());
    for (const message of sent) expect(message.id).toMatch(/:replay:\d+$/);
    expect(first.refused.map((r) => r.id)).toEqual(expect.arrayContaining([applied.id, other.event.id]));
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({
      status: "QUEUED",
      error: null,
    });
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: other.event.id } })).toMatchObject({
      status: "APPLIED",
    });
  });

  it("sends one delivery to the fast path and several to the batched path, a hundred to an event", async ({
    db,
    event,
    tenantA: fx,
  }) => {
    const sent: { name: string; id?: string; data: Record<string, unknown> }[] = [];
    const send = async (message: (typeof sent)[number]) => void sent.push(message);
    const one = await event({ status: "FAILED", externalIds: ["sam-5"] });
    await replayEvents(db, [one.id], send);
    expect(sent).toEqual([
      {
        name: "stock/webhook.received",
        id: expect.stringMatching(new RegExp(`^${one.id}:replay:`)),
        data: {
          tenantId: fx.tenant.id,
          connectionId: fx.connection.id,
          webhookEventId: one.id,
          itemKey: `${fx.connection.id}:sam-5`,
        },
      },
    ]);

    sent.length = 0;
    const many = [];
    for (let i = 0; i < 101; i++) many.push(await event({ status: "FAILED" }));
    const result = await replayEvents(
      db,
      many.map((e) => e.id),
      send,
    );
    expect(result.replayed).toHaveLength(101);
    expect(sent.map((m) => [m.name, (m.data.webhookEventIds as string[]).length])).toEqual([
      ["stock/webhook.batched", 100],
      ["stock/webhook.batched", 1],
    ]);
    expect(sent.flatMap((m) => m.data.webhookEventIds as string[]).sort()).toEqual(many.map((e) => e.id).sort());
    for (const message of sent)
      expect(message.id).toMatch(new RegExp(`^${(message.data.webhookEventIds as string[])[0]}:replay:\\d+$`));
  });

  it("leaves an event it could not hand over for the sweeper", async ({ prisma, db, event }) => {
    const failed = await event({ status: "FAILED" });
    const result = await replayEvents(db, [failed.id], async () => Promise.reject(new Error("Inngest unreachable")));
    expect(result).toMatchObject({ replayed: [], deferred: [failed.id] });
    expect(await prisma.webhookEvent.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({
      status: "QUEUED",
      sentAt: null,
    });
  });
});

describe("queue", () => {
  it("counts open work at any age, completed work over 24 h, and finds the oldest pending delivery", async ({
    prisma,
    event,
  }) => {
    const fresh = await createTenantFixture(prisma, "queue");
    const scoped = scopeToTenant(prisma, fresh.tenant.id);
    const own = (data: Partial<Prisma.WebhookEventUncheckedCreateInput>) => event({ tenant: fresh, ...data });
    await own({ status: "QUEUED", receivedAt: minutesAgo(3 * 24 * 60) });
    await own({ status: "QUEUED", receivedAt: minutesAgo(1) });
    await own({ status: "PROCESSING", attempts: 3 });
    await own({ status: "FAILED", receivedAt: minutesAgo(2 * 24 * 60), error: "gone" });
    await own({ status: "APPLIED", receivedAt: minutesAgo(2 * 24 * 60) });
    await own({ status: "APPLIED", completedAt: new Date() });
    const stats = await queueStats(scoped, prisma);
    // The fixture's own APPLIED event never recorded a completion time: it is not counted as completed.
    expect(stats.overall).toEqual({ pending: 2, processing: 1, completed: 1, failed: 1 });
    expect(stats.connections[0]!.counts).toEqual(stats.overall);
    expect(stats.oldestPendingAgeMs).toBeGreaterThan(3 * 24 * 3_600_000 - 60_000);
    expect(stats.retriesInFlight.events).toBe(1);
    expect(stats.deadLettered).toHaveLength(1);
    expect(stats.throughput.perMinute).toHaveLength(30);
    expect(stats.throughput.perMinute.at(-1)!.completed).toBe(1);
  });
});

describe("queue figures agree", () => {
  it("completed is one definition (completed status, at completedAt) in every figure and window", async ({
    prisma,
    event,
  }) => {
    const fresh = await createTenantFixture(prisma, "queue-agree");
    await prisma.webhookEvent.deleteMany({ where: { tenantId: fresh.tenant.id } });
    const scoped = scopeToTenant(prisma, fresh.tenant.id);
    const own = (data: Partial<Prisma.WebhookEventUncheckedCreateInput>) => event({ tenant: fresh, ...data });
    const done = (receivedMinutesAgo: number, completedMinutesAgo: number, status = "APPLIED" as const) =>
      own({ status, receivedAt: minutesAgo(receivedMinutesAgo), completedAt: minutesAgo(completedMinutesAgo) });
    await done(2, 1);
    await done(3, 2, "APPLIED");
    await own({ status: "SKIPPED", receivedAt: minutesAgo(12), completedAt: minutesAgo(11) });
    await done(50, 45);
    await done(200, 180);
    // Received more than a day ago, completed within it (a long retry): completed in the last 24 h.
    await done(25 * 60, 23 * 60);
    // Completed more than a day ago: in no window.
    await done(26 * 60, 25 * 60);
    // Failed and refused are not completed, whatever their completedAt.
    await own({ status: "FAILED", receivedAt: minutesAgo(4), completedAt: minutesAgo(3), error: "down" });
    await own({ status: "REJECTED", receivedAt: minutesAgo(4), completedAt: minutesAgo(4) });
    await own({ status: "QUEUED", receivedAt: minutesAgo(1) });

    const stats = await queueStats(scoped, prisma);
    expect(stats.overall.completed).toBe(6);
    expect(stats.connections.reduce((sum, connection) => sum + connection.counts.completed, 0)).toBe(6);
    expect(stats.throughput.total).toBe(3);
    expect(stats.throughput.perMinute.reduce((sum, minute) => sum + minute.completed, 0)).toBe(3);
    expect(stats.throughput.total).toBeLessThanOrEqual(stats.overall.completed);
    // The chart's window counted by the 24 h total's own query gives the chart's total.
    const chartStart = stats.throughput.perMinute[0]!.minute;
    expect(
      await scoped.webhookEvent.count({ where: { ...completedSince(chartStart), tenantId: fresh.tenant.id } }),
    ).toBe(stats.throughput.total);
    expect(stats.windows).toEqual({ totalsMs: 86_400_000, throughputMinutes: 30, rateMinutes: 5 });
  });
});

describe("item timeline", () => {
  it("orders an item's changes, non-changing deliveries and pushes in time", async ({
    prisma,
    db,
    event,
    tenantA: fx,
    tenantB: other,
  }) => {
    const item = await prisma.item.create({
      data: { tenantId: fx.tenant.id, sku: "TL-1", title: "Timeline", quantity: 2 },
    });
    await prisma.stockChange.create({
      data: {
        tenantId: fx.tenant.id,
        itemId: item.id,
        quantityBefore: 2,
        quantityAfter: 1,
        statusBefore: "AVAILABLE",
        statusAfter: "AVAILABLE",
        source: "webhook",
        createdAt: minutesAgo(10),
      },
    });
    await event({
      itemId: item.id,
      status: "STALE",
      action: "older than the last applied change",
      receivedAt: minutesAgo(5),
    });
    await prisma.channelPush.create({
      data: {
        tenantId: fx.tenant.id,
        connectionId: fx.connection.id,
        itemId: item.id,
        quantity: 1,
        status: "AVAILABLE",
        state: "SUCCEEDED",
        createdAt: minutesAgo(9),
      },
    });
    const timeline = await itemTimeline(db, item.id);
    expect(timeline?.entries.map((entry) => entry.kind)).toEqual(["change", "push", "event"]);
    expect(await itemTimeline(db, other.item.id)).toBeNull();
  });
});
