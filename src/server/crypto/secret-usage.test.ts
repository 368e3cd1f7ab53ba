import { describe, expect } from "vitest";
import { it } from "@test-support/db-fixture";
import { createTenantFixture } from "@test-support/fixtures";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { connectorFor } from "@/server/connectors/tenant-connector";
import { storeSecret } from "./secret-store";
import { recordSecretUse, SECRET_USE_RESOLUTION_MS } from "./secret-usage";

describe("a secret's last use", () => {
  it("is written on first use, then at most once a minute", async ({ prisma }) => {
    const { secret } = await createTenantFixture(prisma, "last-used");
    const lastUsed = async () => (await prisma.secret.findUniqueOrThrow({ where: { id: secret.id } })).lastUsedAt;
    const first = new Date("2026-12-06T12:00:00Z");
    expect(await recordSecretUse(prisma, secret.id, first)).toBe(true);
    expect(await lastUsed()).toEqual(first);
    // Two instances using it within the minute: no second write.
    expect(await recordSecretUse(prisma, secret.id, new Date(first.getTime() + 30_000))).toBe(false);
    expect(await lastUsed()).toEqual(first);
    const later = new Date(first.getTime() + SECRET_USE_RESOLUTION_MS + 1);
    expect(await recordSecretUse(prisma, secret.id, later)).toBe(true);
    expect(await lastUsed()).toEqual(later);
  });

  it("API credentials count as used when a connector is built to call the platform", async ({ prisma }) => {
    const fixture = await createTenantFixture(prisma, "api-used");
    const db = scopeToTenant(prisma, fixture.tenant.id);
    const credentials = await storeSecret(db, {
      connectionId: fixture.connection.id,
      purpose: "API_CREDENTIAL",
      label: "API key",
      plaintext: JSON.stringify({ apiKey: "sam_test_key_0001" }),
    });
    expect(credentials.lastUsedAt).toBeNull();
    await connectorFor(db, fixture.connection.id);
    const after = await prisma.secret.findUniqueOrThrow({ where: { id: credentials.id } });
    expect(after.lastUsedAt).toBeInstanceOf(Date);
  });
});
