import type { PrismaClient } from "@/generated/prisma/client";
import { hashPassword } from "@/server/auth/password";
import { passwordResetMail } from "@/server/mail/templates";
import { linkTo, type AccountDeps } from "./deps";
import { accountKey, accountLimiters, consume } from "./rate-limits";
import { hashLinkToken, isWellFormedLinkToken, newLinkToken } from "./tokens";
import { DomainError } from "@/server/errors";

export const RESET_VALID_MINUTES = 60;

/** Stores a fresh single-use reset token (hashed) and returns the link to mail. */
export async function issuePasswordResetLink(prisma: PrismaClient, appUrl: string, userId: string): Promise<string> {
  const { token, tokenHash } = newLinkToken();
  await prisma.accountToken.create({
    data: {
      userId,
      purpose: "PASSWORD_RESET",
      tokenHash,
      expiresAt: new Date(Date.now() + RESET_VALID_MINUTES * 60_000),
    },
  });
  return linkTo(appUrl, "/reset-password", token);
}

/** "Forgot password": the same answer whether or not the address has an account. */
export async function requestPasswordReset(deps: AccountDeps, rawEmail: string): Promise<void> {
  const email = accountKey(rawEmail);
  const limiters = accountLimiters(deps.prisma);
  await consume(limiters.accountRequestsPerIp, deps.ip);
  await consume(limiters.mailsPerAddress, email);
  const user = await deps.prisma.user.findUnique({ where: { email }, select: { id: true, email: true, name: true } });
  if (!user) return;
  const url = await issuePasswordResetLink(deps.prisma, deps.appUrl, user.id);
  await deps.mailer.send(user.email, passwordResetMail({ name: user.name, url, validMinutes: RESET_VALID_MINUTES }));
}

export class InvalidLinkError extends DomainError {
  constructor() {
    super("INVALID_LINK", "This link is invalid, already used or expired. Ask for a new one.");
    this.name = "InvalidLinkError";
  }
}

/**
 * Sets a new password with a reset link. The link proves the user reads mail at the address, so
 * the address counts as verified afterwards; every other reset link of the user is spent with it,
 * every session signed in before the reset ends (sessions.ts), and the account's failed sign-in
 * count starts again.
 */
export async function resetPassword(
  prisma: PrismaClient,
  token: unknown,
  newPassword: string,
): Promise<{ email: string }> {
  if (!isWellFormedLinkToken(token)) throw new InvalidLinkError();
  const tokenHash = hashLinkToken(token);
  const passwordHash = await hashPassword(newPassword);
  const now = new Date();
  const reset = await prisma.$transaction(async (tx) => {
    const spent = await tx.accountToken.updateMany({
      where: { tokenHash, purpose: "PASSWORD_RESET", usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (spent.count !== 1) throw new InvalidLinkError();
    const { userId } = await tx.accountToken.findUniqueOrThrow({ where: { tokenHash }, select: { userId: true } });
    await tx.accountToken.updateMany({
      where: { userId, purpose: "PASSWORD_RESET", usedAt: null },
      data: { usedAt: now },
    });
    const user = await tx.user.update({
      where: { id: userId },
      // Whoever knew the old password may hold a session: every session signed in before now ends.
      data: { passwordHash, sessionsValidFrom: now },
      select: { email: true, emailVerifiedAt: true },
    });
    if (!user.emailVerifiedAt) await tx.user.update({ where: { id: userId }, data: { emailVerifiedAt: now } });
    return { email: user.email };
  });
  // Whoever was guessing the old password locked the account; its owner, proven by the link, is let back in.
  await accountLimiters(prisma).signInFailuresPerAccount.delete(accountKey(reset.email));
  return reset;
}
