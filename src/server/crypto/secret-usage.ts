import type { Prisma } from "@/generated/prisma/client";

/** "Last used" is kept to the minute: a busy secret costs at most one write a minute, on any number of instances. */
export const SECRET_USE_RESOLUTION_MS = 60_000;

interface SecretWriter {
  secret: {
    updateMany(args: { where: Prisma.SecretWhereInput; data: { lastUsedAt: Date } }): Promise<{ count: number }>;
  };
}

/**
 * Records that a secret was really used (an inbound delivery verified by it, an outbound call made
 * with it). One conditional UPDATE that writes only when the stored time is a minute old or
 * missing, so the check holds across app instances without a read first. Never throws: a lost
 * "last used" must not fail the delivery or call that used the secret.
 */
export async function recordSecretUse(db: SecretWriter, secretId: string, now = new Date()): Promise<boolean> {
  try {
    const { count } = await db.secret.updateMany({
      where: {
        id: secretId,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - SECRET_USE_RESOLUTION_MS) } }],
      },
      data: { lastUsedAt: now },
    });
    return count > 0;
  } catch {
    return false;
  }
}
