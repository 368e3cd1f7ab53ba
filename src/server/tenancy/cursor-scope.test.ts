import { describe, expect } from "vitest";
import { test } from "@test-support/db-fixture";
import { callerFor } from "@test-support/fixtures";

/**
 * Issue 17, item 10: a list's cursor names a row by id, and Prisma looks that row up apart from
 * the `where` filter. Another tenant's id as the cursor placed the page by that row's sort key,
 * an oracle on the other tenant's data (its SKUs, event times, audit times). Through the tenant
 * client the cursor row is found only within the tenant, so a foreign id gives an empty page,
 * exactly like an id that does not exist.
 */

/** The tRPC API as tenant a's owner, who tries tenant b's ids as cursors. */
const it = test.extend("ownerApi", ({ prisma, tenantA }) => callerFor(prisma, tenantA.user.id, tenantA.tenant.slug));

it.beforeAll(async ({ prisma, tenantA: mine }) => {
  // Own SKUs on both sides of the other tenant's "SKU-b", so a leak shows as a non-empty page.
  for (const sku of ["AAA-1", "ZZZ-1", "ZZZ-2"])
    await prisma.item.create({ data: { tenantId: mine.tenant.id, sku, title: sku, quantity: 1 } });
  await prisma.auditLog.create({ data: { tenantId: mine.tenant.id, action: "test.row", target: "x" } });
});

describe("cursors are found only within the tenant", () => {
  it("item.list with another tenant's item as the cursor answers an empty page, like an unknown id", async ({
    ownerApi,
    tenantB: theirs,
  }) => {
    const foreign = await ownerApi.item.list({ cursor: theirs.item.id });
    const unknown = await ownerApi.item.list({ cursor: "no-such-item" });
    expect(foreign).toEqual(unknown);
    expect(foreign.items).toEqual([]);
  });

  it("event.list with another tenant's event as the cursor answers an empty page", async ({
    ownerApi,
    tenantB: theirs,
  }) => {
    expect((await ownerApi.event.list({ cursor: theirs.event.id })).events).toEqual([]);
  });

  it("audit.list with another tenant's audit row as the cursor answers an empty page", async ({
    prisma,
    ownerApi,
    tenantB: theirs,
  }) => {
    const foreignRow = await prisma.auditLog.create({
      data: { tenantId: theirs.tenant.id, action: "test.row", target: "y", createdAt: new Date(Date.now() + 60_000) },
    });
    expect((await ownerApi.audit.list({ cursor: foreignRow.id })).rows).toEqual([]);
  });

  it("syncRun.list with another tenant's run as the cursor answers an empty page", async ({
    ownerApi,
    tenantB: theirs,
  }) => {
    expect((await ownerApi.syncRun.list({ cursor: theirs.syncRun.id })).runs).toEqual([]);
  });

  it("an own cursor still pages", async ({ ownerApi }) => {
    const first = await ownerApi.item.list({});
    expect(first.items.length).toBeGreaterThan(1);
    const after = await ownerApi.item.list({ cursor: first.items[0]!.id });
    expect(after.items.map((item) => item.id)).toEqual(first.items.slice(1).map((item) => item.id));
  });
});
