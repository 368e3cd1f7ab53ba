import { randomUUID } from "node:crypto";
import { configuredKeyring } from "@/server/crypto/secret-store";
import { open, seal, type Keyring } from "@/server/crypto/secret-box";
import type { TenantDb } from "@/server/tenancy/tenant-db";
import { generateEndpointSecret } from "./signing";

/**
 * Tenants' webhook endpoints and their signing secrets. A secret is sealed with the secret box
 * (bound to its tenant and row) and its plaintext is returned once, by the call that made it.
 * Rotation keeps the previous secret signing (beside the new one) until its grace period ends.
 */
export const endpointSelect = {
  id: true,
  url: true,
  description: true,
  eventTypes: true,
  enabled: true,
  disabledReason: true,
  failingSince: true,
  createdAt: true,
  updatedAt: true,
} as const;

export const endpointSecretMetadata = { id: true, keyId: true, last4: true, createdAt: true, expiresAt: true } as const;

type SecretWriter = Pick<TenantDb, "tenantId" | "webhookEndpointSecret">;

async function storeEndpointSecret(db: SecretWriter, endpointId: string, plaintext: string, keyring: Keyring) {
  const id = randomUUID();
  const sealed = seal(keyring, plaintext, { tenantId: db.tenantId, secretId: id });
  return db.webhookEndpointSecret.create({
    data: {
      id,
      tenantId: db.tenantId,
      endpointId,
      keyId: sealed.keyId,
      iv: Buffer.from(sealed.iv),
      ciphertext: Buffer.from(sealed.ciphertext),
      authTag: Buffer.from(sealed.authTag),
      last4: plaintext.slice(-4),
    },
    select: endpointSecretMetadata,
  });
}

export interface EndpointInput {
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
}

export async function createEndpoint(db: TenantDb, input: EndpointInput, keyring: Keyring = configuredKeyring()) {
  const plaintext = generateEndpointSecret();
  return db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.create({
      data: { tenantId: db.tenantId, ...input },
      select: endpointSelect,
    });
    const secret = await storeEndpointSecret(
      { tenantId: db.tenantId, webhookEndpointSecret: tx.webhookEndpointSecret },
      endpoint.id,
      plaintext,
      keyring,
    );
    return { endpoint, secret, plaintext };
  });
}

export const DEFAULT_ENDPOINT_GRACE_HOURS = 24;

export async function rotateEndpointSecret(
  db: TenantDb,
  endpointId: string,
  graceHours = DEFAULT_ENDPOINT_GRACE_HOURS,
  now = new Date(),
  keyring: Keyring = configuredKeyring(),
) {
  const graceEnds = new Date(now.getTime() + graceHours * 3_600_000);
  const plaintext = generateEndpointSecret();
  return db.$transaction(async (tx) => {
    await tx.webhookEndpointSecret.updateMany({
      where: { endpointId, OR: [{ expiresAt: null }, { expiresAt: { gt: graceEnds } }] },
      data: { expiresAt: graceEnds },
    });
    const secret = await storeEndpointSecret(
      { tenantId: db.tenantId, webhookEndpointSecret: tx.webhookEndpointSecret },
      endpointId,
      plaintext,
      keyring,
    );
    return { secret, plaintext, previousValidUntil: graceEnds };
  });
}

/** Plaintexts of the secrets that sign now, newest first. */
export async function liveSecrets(
  db: Pick<TenantDb, "tenantId" | "webhookEndpointSecret">,
  endpointId: string,
  now = new Date(),
  keyring: Keyring = configuredKeyring(),
): Promise<string[]> {
  const rows = await db.webhookEndpointSecret.findMany({
    where: { endpointId, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    select: { id: true, keyId: true, iv: true, ciphertext: true, authTag: true },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((row) => open(keyring, row, { tenantId: db.tenantId, secretId: row.id }));
}
