import { z } from "zod";
import type { PrismaClient, TenantKind } from "@/generated/prisma/client";
import { safeCallbackPath } from "@/server/auth/callback-url";
import { verifyEmailMail } from "@/server/mail/templates";
import { createOwnedTenant } from "@/server/tenancy/tenants";
import { linkTo, type AccountDeps } from "./deps";
import { accountKey, accountLimiters, consume } from "./rate-limits";
import { hashLinkToken, isWellFormedLinkToken, newLinkToken } from "./tokens";

export const VERIFICATION_VALID_HOURS = 24;

/** What a verification link carries on: the workspace asked for at sign-up, the page to open afterwards. */
export const verificationPayload = z.object({
  tenantName: z.string().min(1).max(80).optional(),
  tenantKind: z.enum(["GALLERY", "STORE", "ERP"]).optional(),
  next: z.string().max(2000).optional(),
});
export type VerificationPayload = z.infer<typeof verificationPayload>;

/** Stores a fresh single-use link (hashed) and mails it. */
export async function sendVerificationLink(
  deps: Pick<AccountDeps, "prisma" | "mailer" | "appUrl">,
  user: { id: string; email: string; name: string },
  payload: VerificationPayload,
) {
  const { token, tokenHash } = newLinkToken();
  await deps.prisma.accountToken.create({
    data: {
      userId: user.id,
      purpose: "VERIFY_EMAIL",
      tokenHash,
      payload,
      expiresAt: new Date(Date.now() + VERIFICATION_VALID_HOURS * 3_600_000),
    },
  });
  await deps.mailer.send(
    user.email,
    verifyEmailMail({
      name: user.name,
      url: linkTo(deps.appUrl, "/verify-email", token),
      validHours: VERIFICATION_VALID_HOURS,
    }),
  );
}

export type VerifyEmailResult =
  { ok: true; email: string; next: string; tenantSlug: string | null } | { ok: false; reason: "invalid" | "expired" };

/**
 * Uses a verification link: marks the address verified and creates the workspace asked for at
 * sign-up. The token is spent atomically, so two clicks (or two instances) cannot both use it.
 */
export async function verifyEmail(prisma: PrismaClient, token: unknown): Promise<VerifyEmailResult> {
  if (!isWellFormedLinkToken(token)) return { ok: false, reason: "invalid" };
  const tokenHash = hashLinkToken(token);
  const now = new Date();
  return prisma.$transaction(async (tx) => {
    const spent = await tx.accountToken.updateMany({
      where: { tokenHash, purpose: "VERIFY_EMAIL", usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    const record = await tx.accountToken.findUnique({
      where: { tokenHash },
      include: { user: { select: { id: true, email: true, emailVerifiedAt: true } } },
    });
    if (spent.count !== 1 || !record || record.purpose !== "VERIFY_EMAIL") {
      return {
        ok: false,
        reason: record && record.usedAt === null && record.expiresAt <= now ? "expired" : "invalid",
      } as const;
    }
    if (!record.user.emailVerifiedAt)
      await tx.user.update({ where: { id: record.userId }, data: { emailVerifiedAt: now } });
    // Every other verification link of this user is spent with it.
    await tx.accountToken.updateMany({
      where: { userId: record.userId, purpose: "VERIFY_EMAIL", usedAt: null },
      data: { usedAt: now },
    });
    const payload = verificationPayload.safeParse(record.payload ?? {});
    const wanted = payload.success ? payload.data : {};
    let tenantSlug: string | null = null;
    if (
      wanted.tenantName &&
      wanted.tenantKind &&
      !(await tx.membership.findFirst({ where: { userId: record.userId }, select: { id: true } }))
    ) {
      tenantSlug = (
        await createOwnedTenant(tx, record.userId, { name: wanted.tenantName, kind: wanted.tenantKind as TenantKind })
      ).slug;
    }
    const next = safeCallbackPath(wanted.next, tenantSlug ? `/t/${tenantSlug}` : "/");
    return { ok: true, email: record.user.email, next, tenantSlug } as const;
  });
}

/**
 * "Send the link again": answers the same whether or not the address has an account or is
 * already verified; only an unverified account gets a new link (carrying its sign-up's workspace).
 */
export async function resendVerification(deps: AccountDeps, rawEmail: string): Promise<void> {
  const email = accountKey(rawEmail);
  const limiters = accountLimiters(deps.prisma);
  await consume(limiters.accountRequestsPerIp, deps.ip);
  await consume(limiters.mailsPerAddress, email);
  const user = await deps.prisma.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, emailVerifiedAt: true },
  });
  if (!user || user.emailVerifiedAt) return;
  const latest = await deps.prisma.accountToken.findFirst({
    where: { userId: user.id, purpose: "VERIFY_EMAIL" },
    orderBy: { createdAt: "desc" },
    select: { payload: true },
  });
  const payload = verificationPayload.safeParse(latest?.payload ?? {});
  await sendVerificationLink(deps, user, payload.success ? payload.data : {});
}
