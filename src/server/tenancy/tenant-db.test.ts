import { describe, expect } from "vitest";
import { it } from "@test-support/db-fixture";
import { scopeToTenant, TenantScopeViolation } from "./tenant-db";

describe("tenant-scoped client", () => {
  it("reads only its own tenant's rows, even when asked for another's by id", async ({
    prisma,
    tenantA: a,
    tenantB: b,
  }) => {
    const scoped = scopeToTenant(prisma, a.tenant.id);
    expect(await scoped.item.findMany()).toEqual([expect.objectContaining({ id: a.item.id })]);
    expect(await scoped.item.findUnique({ where: { id: b.item.id } })).toBeNull();
    expect(await scoped.item.findFirst({ where: { tenantId: b.tenant.id } })).toBeNull();
    expect(await scoped.item.count()).toBe(1);
    expect(await scoped.tenant.findMany()).toEqual([expect.objectContaining({ id: a.tenant.id })]);
  });

  it("cannot update or delete another tenant's rows", async ({ prisma, tenantA: a, tenantB: b }) => {
    const scoped = scopeToTenant(prisma, a.tenant.id);
    await expect(scoped.item.update({ where: { id: b.item.id }, data: { title: "stolen" } })).rejects.toThrow();
    expect((await scoped.item.updateMany({ where: { id: b.item.id }, data: { title: "stolen" } })).count).toBe(0);
    expect((await scoped.item.deleteMany({ where: { id: b.item.id } })).count).toBe(0);
    const untouched = await prisma.item.findUniqueOrThrow({ where: { id: b.item.id } });
    expect(untouched.title).toBe(b.item.title);
  });

  it("refuses to create rows for another tenant or move rows between tenants", async ({
    prisma,
    tenantA: a,
    tenantB: b,
  }) => {
    const scoped = scopeToTenant(prisma, a.tenant.id);
    await expect(scoped.item.create({ data: { tenantId: b.tenant.id, sku: "X", title: "X" } })).rejects.toThrow(
      TenantScopeViolation,
    );
    await expect(scoped.item.update({ where: { id: a.item.id }, data: { tenantId: b.tenant.id } })).rejects.toThrow(
      TenantScopeViolation,
    );
    const created = await scoped.item.create({ data: { tenantId: a.tenant.id, sku: "NEW-1", title: "New" } });
    expect(created.tenantId).toBe(a.tenant.id);
  });

  it("keeps the scope inside interactive transactions", async ({ prisma, tenantA: a, tenantB: b }) => {
    const scoped = scopeToTenant(prisma, a.tenant.id);
    const seen = await scoped.$transaction((tx) => tx.item.findMany({ where: { id: b.item.id } }));
    expect(seen).toEqual([]);
  });
});
