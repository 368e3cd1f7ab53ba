import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { env } from "@/env";
import type { SecretPurpose } from "@/generated/prisma/client";
import type { TenantDb } from "@/server/tenancy/tenant-db";
import { open, parseKeyring, seal, type Keyring } from "./secret-box";

/**
 * Secrets (webhook signing secrets, API credentials) as the rest of the app sees them: stored
 * sealed, returned as metadata, opened only where a server-side caller needs the plaintext.
 */
let cachedKeyring: { spec: string; keyring: Keyring } | undefined;

export function configuredKeyring(): Keyring {
  const spec = env().STOCKHOOK_ENCRYPTION_KEYS;
  if (cachedKeyring?.spec !== spec) cachedKeyring = { spec, keyring: parseKeyring(spec) };
  return cachedKeyring.keyring;
}

export const secretMetadata = {
  id: true,
  connectionId: true,
  purpose: true,
  label: true,
  keyId: true,
  last4: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
} as const;

export interface NewSecret {
  connectionId: string | null;
  purpose: SecretPurpose;
  label: string;
  plaintext: string;
  expiresAt?: Date | null;
  /** What the dashboard shows as the last four characters, when the plaintext's own end says nothing (JSON). */
  hint?: string;
}

export async function storeSecret(db: TenantDb, secret: NewSecret, keyring: Keyring = configuredKeyring()) {
  const id = randomUUID();
  const sealed = seal(keyring, secret.plaintext, { tenantId: db.tenantId, secretId: id });
  return db.secret.create({
    data: {
      id,
      tenantId: db.tenantId,
      connectionId: secret.connectionId,
      purpose: secret.purpose,
      label: secret.label,
      keyId: sealed.keyId,
      iv: Buffer.from(sealed.iv),
      ciphertext: Buffer.from(sealed.ciphertext),
      authTag: Buffer.from(sealed.authTag),
      last4: (secret.hint ?? secret.plaintext).slice(-4),
      expiresAt: secret.expiresAt ?? null,
    },
    select: secretMetadata,
  });
}

export async function revealSecret(
  db: TenantDb,
  secretId: string,
  keyring: Keyring = configuredKeyring(),
): Promise<string> {
  const row = await db.secret.findFirstOrThrow({
    where: { id: secretId },
    select: { id: true, keyId: true, iv: true, ciphertext: true, authTag: true },
  });
  return open(keyring, row, { tenantId: db.tenantId, secretId: row.id });
}

/** A signing secret we generate where the platform lets us choose: `whsec_` + 32 random bytes. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export const DEFAULT_ROTATION_GRACE_HOURS = 24;

/**
 * Replaces a connection's webhook signing secret. The previous secrets keep verifying until the
 * grace period ends, so deliveries signed with the old secret while the platform is being
 * updated are not lost. Returns the new plaintext once; it is never readable again.
 */
export async function rotateSigningSecret(
  db: TenantDb,
  connectionId: string,
  options: { graceHours?: number; plaintext?: string; now?: Date } = {},
  keyring: Keyring = configuredKeyring(),
) {
  const now = options.now ?? new Date();
  const graceEnds = new Date(now.getTime() + (options.graceHours ?? DEFAULT_ROTATION_GRACE_HOURS) * 3_600_000);
  const plaintext = options.plaintext ?? generateSigningSecret();
  return db.$transaction(async (tx) => {
    const scoped = { ...db, secret: tx.secret } as TenantDb;
    await tx.secret.updateMany({
      where: {
        connectionId,
        purpose: "WEBHOOK_SIGNING",
        revokedAt: null,
        OR: [{ expiresAt: null }, { expiresAt: { gt: graceEnds } }],
      },
      data: { expiresAt: graceEnds },
    });
    const secret = await storeSecret(
      scoped,
      { connectionId, purpose: "WEBHOOK_SIGNING", label: "Webhook signing secret", plaintext },
      keyring,
    );
    return { secret, plaintext, previousValidUntil: graceEnds };
  });
}
