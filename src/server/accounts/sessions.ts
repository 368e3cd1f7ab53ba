import type { PrismaClient } from "@/generated/prisma/client";

/**
 * Sessions are signed cookies (JWT), so ending one means refusing it when it is next read: a
 * session carries the moment its user signed in, and a password reset moves the account's
 * `sessionsValidFrom` forward, ending every session signed in before it — including one an
 * attacker holds with the password the reset replaced.
 */
export async function sessionStillValid(
  prisma: PrismaClient,
  userId: string,
  signedInAt: number | undefined,
): Promise<boolean> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { sessionsValidFrom: true } });
  if (!user) return false;
  if (!user.sessionsValidFrom) return true;
  // A session from before sign-in times were recorded cannot prove it is newer than the reset.
  return signedInAt !== undefined && signedInAt >= user.sessionsValidFrom.getTime();
}
