import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MembershipRole } from "@/generated/prisma/client";
import { callerFor, createTenantFixture, errorOf, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";

/**
 * Attacks on "a workspace always keeps an owner", at the router: the only owner removing or
 * demoting themselves, an admin going after the owner, two owners removing each other at once,
 * and a pending owner invitation posing as the second owner.
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function workspaceWith(label: string) {
  return createTenantFixture(database.prisma, label);
}

async function addMember(owner: TenantFixture, role: MembershipRole, status: "ACTIVE" | "PENDING" = "ACTIVE") {
  const user = await database.prisma.user.create({
    data: { email: `${role.toLowerCase()}-${Math.random().toString(36).slice(2)}@owner.test`, name: role },
  });
  const membership = await database.prisma.membership.create({
    data:
      status === "PENDING"
        ? { tenantId: owner.tenant.id, invitedEmail: user.email, role, status }
        : { tenantId: owner.tenant.id, userId: user.id, role, status },
  });
  return { user, membership, api: callerFor(database.prisma, user.id, owner.tenant.slug) };
}

const owners = (tenantId: string) =>
  database.prisma.membership.count({ where: { tenantId, role: "OWNER", status: "ACTIVE" } });

describe("the last owner", () => {
  it("cannot remove or demote themselves: CONFLICT, and nothing changes", async () => {
    const owner = await workspaceWith("solo");
    const api = callerFor(database.prisma, owner.user.id, owner.tenant.slug);
    const removal = await errorOf(api.member.remove({ id: owner.membership.id }));
    expect(removal?.code).toBe("CONFLICT");
    expect(removal?.message).toMatch(/at least one owner/);
    for (const role of ["ADMIN", "MEMBER", "VIEWER"] as const) {
      expect((await errorOf(api.member.updateRole({ id: owner.membership.id, role })))?.code).toBe("CONFLICT");
    }
    expect(await owners(owner.tenant.id)).toBe(1);
  });

  it("a pending owner invitation does not count as a second owner", async () => {
    const owner = await workspaceWith("pending");
    await addMember(owner, "OWNER", "PENDING");
    const api = callerFor(database.prisma, owner.user.id, owner.tenant.slug);
    expect((await errorOf(api.member.remove({ id: owner.membership.id })))?.code).toBe("CONFLICT");
    expect(await owners(owner.tenant.id)).toBe(1);
  });

  it("an admin can neither remove nor demote the owner", async () => {
    const owner = await workspaceWith("admin");
    const admin = await addMember(owner, "ADMIN");
    expect((await errorOf(admin.api.member.remove({ id: owner.membership.id })))?.code).toBe("FORBIDDEN");
    expect((await errorOf(admin.api.member.updateRole({ id: owner.membership.id, role: "VIEWER" })))?.code).toBe(
      "FORBIDDEN",
    );
    // Nor make themselves owner to get around it.
    expect((await errorOf(admin.api.member.updateRole({ id: admin.membership.id, role: "OWNER" })))?.code).toBe(
      "FORBIDDEN",
    );
    expect(await owners(owner.tenant.id)).toBe(1);
  });

  it("with two owners one may go, but never both, even at the same moment", async () => {
    const owner = await workspaceWith("pair");
    const second = await addMember(owner, "OWNER");
    const first = callerFor(database.prisma, owner.user.id, owner.tenant.slug);
    const results = await Promise.allSettled([
      first.member.remove({ id: second.membership.id }),
      second.api.member.remove({ id: owner.membership.id }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled").length).toBeLessThanOrEqual(1);
    expect(await owners(owner.tenant.id)).toBe(1);
  });

  it("an owner may step down once someone else is owner", async () => {
    const owner = await workspaceWith("handover");
    const next = await addMember(owner, "ADMIN");
    const api = callerFor(database.prisma, owner.user.id, owner.tenant.slug);
    await api.member.updateRole({ id: next.membership.id, role: "OWNER" });
    await api.member.updateRole({ id: owner.membership.id, role: "ADMIN" });
    expect(await owners(owner.tenant.id)).toBe(1);
  });
});
