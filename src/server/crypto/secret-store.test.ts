import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { generateKeyringEntry, parseKeyring, SecretDecryptionError } from "./secret-box";
import { generateSigningSecret, revealSecret, storeSecret } from "./secret-store";

const keyring = parseKeyring(generateKeyringEntry("test"));
let database: TestDatabase;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  database = await createTestDatabase();
  a = await createTenantFixture(database.prisma, "a");
  b = await createTenantFixture(database.prisma, "b");
});
afterAll(() => database?.close());

describe("secret store", () => {
  it("stores only ciphertext and metadata, and opens it again for the owning tenant", async () => {
    const plaintext = generateSigningSecret();
    const db = scopeToTenant(database.prisma, a.tenant.id);
    const stored = await storeSecret(db, { connectionId: a.connection.id, purpose: "WEBHOOK_SIGNING", label: "Signing secret", plaintext }, keyring);
    expect(stored).not.toHaveProperty("ciphertext");
    expect(stored.last4).toBe(plaintext.slice(-4));
    const row = await database.prisma.secret.findUniqueOrThrow({ where: { id: stored.id } });
    expect(Buffer.from(row.ciphertext).toString("latin1")).not.toContain(plaintext.slice(6, 20));
    expect(await revealSecret(db, stored.id, keyring)).toBe(plaintext);
  });

  it("refuses a ciphertext copied into another tenant's row", async () => {
    const dbA = scopeToTenant(database.prisma, a.tenant.id);
    const stored = await storeSecret(dbA, { connectionId: null, purpose: "API_CREDENTIAL", label: "token", plaintext: "shpat_123" }, keyring);
    const original = await database.prisma.secret.findUniqueOrThrow({ where: { id: stored.id } });
    const dbB = scopeToTenant(database.prisma, b.tenant.id);
    const victimRow = await storeSecret(dbB, { connectionId: null, purpose: "API_CREDENTIAL", label: "token", plaintext: "other" }, keyring);
    await database.prisma.secret.update({
      where: { id: victimRow.id },
      data: { iv: original.iv, ciphertext: original.ciphertext, authTag: original.authTag, keyId: original.keyId },
    });
    await expect(revealSecret(dbB, victimRow.id, keyring)).rejects.toThrow(SecretDecryptionError);
    await expect(revealSecret(dbB, stored.id, keyring)).rejects.toThrow();
  });
});
