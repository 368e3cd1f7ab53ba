import type { PrismaClient } from "@/generated/prisma/client";
import { open, type Keyring } from "@/server/crypto/secret-box";
import type { SigningSecret } from "./providers/types";
import { recordSecretUse, SECRET_USE_RESOLUTION_MS } from "@/server/crypto/secret-usage";

/**
 * The signing secrets that currently verify a connection's webhooks: the active one plus any
 * rotated-out one still inside its grace period. Decrypted secrets are kept in memory for a
 * few seconds so the hot path does not decrypt on every delivery.
 */
export const TTL_MS = 30_000;
/**
 * A failed check may mean a secret rotated in another process; it reloads the secrets at most
 * this often per connection, so a stream of forged signatures cannot make every request read
 * and decrypt them again.
 */
export const MIN_REFRESH_INTERVAL_MS = 5_000;

export class SigningSecretCache {
  private readonly entries = new Map<string, { loadedAt: number; expiresAt: number; secrets: SigningSecret[] }>();
  private readonly lastTouched = new Map<string, number>();
  /** How often secrets were read and decrypted (for tests and metrics). */
  loads = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly keyring: () => Keyring,
    private readonly now: () => number = Date.now,
  ) {}

  async forConnection(tenantId: string, connectionId: string): Promise<SigningSecret[]> {
    const cached = this.entries.get(connectionId);
    if (cached && cached.expiresAt > this.now()) return cached.secrets;
    return this.load(tenantId, connectionId);
  }

  /**
   * After a failed check: the secrets read again, unless they were read within the last
   * MIN_REFRESH_INTERVAL_MS (then null: a retry would check the same secrets).
   */
  async refreshAfterFailure(tenantId: string, connectionId: string): Promise<SigningSecret[] | null> {
    const cached = this.entries.get(connectionId);
    if (cached && this.now() - cached.loadedAt < MIN_REFRESH_INTERVAL_MS) return null;
    return this.load(tenantId, connectionId);
  }

  private async load(tenantId: string, connectionId: string): Promise<SigningSecret[]> {
    this.loads += 1;
    const rows = await this.prisma.secret.findMany({
      where: {
        tenantId,
        connectionId,
        purpose: "WEBHOOK_SIGNING",
        revokedAt: null,
        OR: [{ expiresAt: null }, { expiresAt: { gt: new Date(this.now()) } }],
      },
      orderBy: { createdAt: "desc" },
      select: { id: true, keyId: true, iv: true, ciphertext: true, authTag: true },
    });
    const keyring = this.keyring();
    const secrets = rows.map((row) => ({ id: row.id, value: open(keyring, row, { tenantId, secretId: row.id }) }));
    const now = this.now();
    this.entries.set(connectionId, { loadedAt: now, expiresAt: now + TTL_MS, secrets });
    return secrets;
  }

  /** Forget a connection's secrets at once (after a rotation or revocation in this process). */
  invalidate(connectionId: string): void {
    this.entries.delete(connectionId);
  }

  /**
   * Records that a secret verified a delivery: at most one write per SECRET_USE_RESOLUTION_MS (a
   * minute) per secret in this process (no query at all in between), and the conditional update
   * keeps it so across instances.
   */
  touch(secretId: string): void {
    const now = this.now();
    if ((this.lastTouched.get(secretId) ?? 0) > now - SECRET_USE_RESOLUTION_MS) return;
    this.lastTouched.set(secretId, now);
    void recordSecretUse(this.prisma, secretId, new Date(now));
  }
}
