import type { PrismaClient } from "@/generated/prisma/client";
import { hashPassword, needsRehash, verifyPassword } from "@/server/auth/password";
import { accountKey, accountLimiters, assertNotLimited, consume, RateLimitedError } from "./rate-limits";

export type PasswordSignInResult =
  | { ok: true; user: { id: string; email: string; name: string } }
  | { ok: false; reason: "invalid" | "unverified" | "rate_limited"; retryAfterSeconds?: number };

/**
 * Checks a password sign-in. Failures count against the caller's address and against the account
 * (known or not, so the limit tells nothing about who has an account); once either runs out,
 * no password is checked until the window passes. A success clears the account's count and
 * re-hashes a password stored with an older scrypt cost. An unverified address cannot sign in.
 */
export async function signInWithPassword(
  prisma: PrismaClient,
  input: { email: string; password: string; ip: string },
): Promise<PasswordSignInResult> {
  const email = accountKey(input.email);
  const limiters = accountLimiters(prisma);
  try {
    await assertNotLimited(limiters.signInFailuresPerIp, input.ip);
    await assertNotLimited(limiters.signInFailuresPerAccount, email);
  } catch (error) {
    if (error instanceof RateLimitedError)
      return { ok: false, reason: "rate_limited", retryAfterSeconds: error.retryAfterSeconds };
    throw error;
  }
  const user = await prisma.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, emailVerifiedAt: true },
  });
  if (!(await verifyPassword(input.password, user?.passwordHash)) || !user) {
    await Promise.all([
      consume(limiters.signInFailuresPerIp, input.ip).catch(ignoreLimit),
      consume(limiters.signInFailuresPerAccount, email).catch(ignoreLimit),
    ]);
    return { ok: false, reason: "invalid" };
  }
  await limiters.signInFailuresPerAccount.delete(email);
  if (needsRehash(user.passwordHash)) {
    await prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(input.password) } });
  }
  if (!user.emailVerifiedAt) return { ok: false, reason: "unverified" };
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}

/** The failure is already being answered; running out of points only matters to the next attempt. */
function ignoreLimit(error: unknown) {
  if (!(error instanceof RateLimitedError)) throw error;
}
