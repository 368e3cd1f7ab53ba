import { describe, expect } from "vitest";
import { it } from "@test-support/db-fixture";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { generateKeyringEntry, parseKeyring, SecretDecryptionError } from "./secret-box";
import { generateSigningSecret, revealSecret, storeSecret } from "./secret-store";

const keyring = parseKeyring(generateKeyringEntry("test"));

describe("secret store", () => {
  it("stores only ciphertext and metadata, and opens it again for the owning tenant", async ({
    prisma,
    tenantA: a,
  }) => {
    const plaintext = generateSigningSecret();
    const db = scopeToTenant(prisma, a.tenant.id);
    const stored = await storeSecret(
      db,
      { connectionId: a.connection.id, purpose: "WEBHOOK_SIGNING", label: "Signing secret", plaintext },
      keyring,
    );
    expect(stored).not.toHaveProperty("ciphertext");
    expect(stored.last4).toBe(plaintext.slice(-4));
    const row = await prisma.secret.findUniqueOrThrow({ where: { id: stored.id } });
    expect(Buffer.from(row.ciphertext).toString("latin1")).not.toContain(plaintext.slice(6, 20));
    expect(await revealSecret(db, stored.id, keyring)).toBe(plaintext);
  });

  it("refuses a ciphertext copied into another tenant's row", async ({ prisma, tenantA: a, tenantB: b }) => {
    const dbA = scopeToTenant(prisma, a.tenant.id);
    const stored = await storeSecret(
      dbA,
      { connectionId: null, purpose: "API_CREDENTIAL", label: "token", plaintext: "shpat_123" },
      keyring,
    );
    const original = await prisma.secret.findUniqueOrThrow({ where: { id: stored.id } });
    const dbB = scopeToTenant(prisma, b.tenant.id);
    const victimRow = await storeSecret(
      dbB,
      { connectionId: null, purpose: "API_CREDENTIAL", label: "token", plaintext: "other" },
      keyring,
    );
    await prisma.secret.update({
      where: { id: victimRow.id },
      data: { iv: original.iv, ciphertext: original.ciphertext, authTag: original.authTag, keyId: original.keyId },
    });
    await expect(revealSecret(dbB, victimRow.id, keyring)).rejects.toThrow(SecretDecryptionError);
    await expect(revealSecret(dbB, stored.id, keyring)).rejects.toThrow();
  });
});
