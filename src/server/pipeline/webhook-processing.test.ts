import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnector, type SourceConnector } from "@/server/connectors";
import { connectorConfigFor, createSimulator, externalIdOf, type Simulator } from "@sim";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { createTenantFixture } from "@test-support/fixtures";
import { claimWebhookEvent, recordFailure, resolveChange, verdictOf, type ClaimedEvent } from "./webhook-processing";

let sim: Simulator;
const STORE = "sam:resolve";
const event: ClaimedEvent = {
  id: "evt",
  tenantId: "t",
  connectionId: "c",
  changes: [],
  alreadyFinal: false,
  unpushedItemIds: [],
};

beforeAll(async () => {
  sim = await createSimulator({
    stores: [
      { provider: "sam", id: "resolve", items: [{ sku: "ART-1", title: "Artwork", quantity: 1, unique: true }] },
    ],
  });
});
afterAll(() => sim?.close());

const sourceFor = async () =>
  createConnector(connectorConfigFor(sim.stores.require(STORE), sim.url) as never) as SourceConnector;

describe("resolving a delivery that carries no stock", () => {
  it("fetches the item's current stock from the source connector", async () => {
    sim.controls.setItem(STORE, "ART-1", { quantity: 0 });
    const externalId = String(externalIdOf(sim.stores.require(STORE), 0));
    const resolved = await resolveChange(
      event,
      { externalId, reason: "notification", sourceAt: "2020-01-01T00:00:00.000Z" },
      sourceFor,
    );
    expect(resolved).toMatchObject({ externalId, quantity: 0, status: "SOLD" });
    expect(new Date(resolved.sourceAt).getFullYear()).toBeGreaterThan(2020);
  });

  it("leaves a delivery that carries its stock alone, without calling the source", async () => {
    const change = { externalId: "9", quantity: 3, reason: "sale" as const, sourceAt: "2026-01-01T00:00:00.000Z" };
    const untouchable = async () => {
      throw new Error("must not be called");
    };
    expect(await resolveChange(event, change, untouchable)).toBe(change);
  });
});

describe("the event's verdict", () => {
  it("is APPLIED when anything applied, else STALE, else SKIPPED", () => {
    const applied = {
      kind: "applied" as const,
      itemId: "i1",
      version: 1,
      before: { quantity: 1, status: "AVAILABLE" as const },
      after: { quantity: 0, status: "SOLD" as const },
      action: "qty 1 → 0, marked Sold",
    };
    expect(verdictOf([applied, { kind: "skipped", action: "no local product for sam_id 2" }])).toMatchObject({
      status: "APPLIED",
      itemId: "i1",
    });
    expect(verdictOf([{ kind: "stale", itemId: "i2", action: "older" }])).toMatchObject({
      status: "STALE",
      itemId: "i2",
    });
    expect(verdictOf([{ kind: "skipped", action: "no local product for sam_id 2" }])).toEqual({
      status: "SKIPPED",
      action: "no local product for sam_id 2",
      itemId: undefined,
    });
  });
});

describe("an event deleted while it waited (its tenant or connection deleted)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());

  it("is claimed as nothing to do, and recording a failure for it is not an error", async () => {
    const fx = await createTenantFixture(database.prisma, "gone");
    const queued = await database.prisma.webhookEvent.create({
      data: {
        tenantId: fx.tenant.id,
        connectionId: fx.connection.id,
        provider: "SAM",
        payloadHash: "1".repeat(64),
        signatureVerdict: "VALID",
        status: "QUEUED",
      },
    });
    expect(await claimWebhookEvent(database.prisma, fx.tenant.id, queued.id, 0)).toMatchObject({
      id: queued.id,
      alreadyFinal: false,
    });
    await database.prisma.tenant.delete({ where: { id: fx.tenant.id } });
    expect(await claimWebhookEvent(database.prisma, fx.tenant.id, queued.id, 1)).toBeNull();
    await expect(recordFailure(database.prisma, queued.id, "boom")).resolves.toBeUndefined();
  });
});
