import { Prisma } from "@/generated/prisma/client";
import { hashPassword } from "@/server/auth/password";
import { signUpAttemptMail } from "@/server/mail/templates";
import type { AccountDeps } from "./deps";
import { issuePasswordResetLink } from "./password-reset";
import { accountKey, accountLimiters, consume } from "./rate-limits";
import { sendVerificationLink, type VerificationPayload } from "./verification";

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  /** The workspace to create once the address is verified; absent when joining through an invitation. */
  tenantName?: string;
  tenantKind?: "GALLERY" | "STORE" | "ERP";
  /** Where to go after verifying (e.g. back to an invitation). */
  next?: string;
}

/**
 * Sign-up answers the same for a new and a known address, so the form cannot be used to find
 * out who has an account; the mail says the rest. A new address gets an unverified account and a
 * verification link; a known one gets "someone tried to sign up with your address" and a
 * password-reset link. Nothing is usable until a mailed link is followed.
 */
export async function signUp(deps: AccountDeps, input: SignUpInput): Promise<{ status: "check-email" }> {
  const email = accountKey(input.email);
  const limiters = accountLimiters(deps.prisma);
  await consume(limiters.accountRequestsPerIp, deps.ip);
  await consume(limiters.mailsPerAddress, email);
  // Hashed either way, so both answers cost the same time.
  const passwordHash = await hashPassword(input.password);
  const payload: VerificationPayload = {
    tenantName: input.tenantName?.trim() || undefined,
    tenantKind: input.tenantName ? input.tenantKind : undefined,
    next: input.next,
  };
  const existing = await deps.prisma.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true },
  });
  if (existing) {
    await mailExistingAccount(deps, existing);
    return { status: "check-email" };
  }
  try {
    const user = await deps.prisma.user.create({
      data: { email, name: input.name.trim(), passwordHash },
      select: { id: true, email: true, name: true },
    });
    await sendVerificationLink(deps, user, payload).catch(async (error: unknown) => {
      // An account nobody was told how to confirm would block the address: a retry would be
      // answered as a known address. Undo it (its token goes with it) and let the caller retry.
      await deps.prisma.user.delete({ where: { id: user.id } });
      throw error;
    });
  } catch (error) {
    // Two sign-ups for one address at once: the second is the "known address" case.
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    const winner = await deps.prisma.user.findUnique({
      where: { email },
      select: { id: true, email: true, name: true },
    });
    if (winner) await mailExistingAccount(deps, winner);
  }
  return { status: "check-email" };
}

async function mailExistingAccount(deps: AccountDeps, user: { id: string; email: string; name: string }) {
  const resetUrl = await issuePasswordResetLink(deps.prisma, deps.appUrl, user.id);
  await deps.mailer.send(
    user.email,
    signUpAttemptMail({ name: user.name, signInUrl: new URL("/signin", deps.appUrl).toString(), resetUrl }),
  );
}
