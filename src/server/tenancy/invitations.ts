import type { MembershipRole, PrismaClient } from "@/generated/prisma/client";
import { linkTo } from "@/server/accounts/deps";
import { hashLinkToken, isWellFormedLinkToken, newLinkToken } from "@/server/accounts/tokens";
import { appendTenantAudit } from "@/server/audit/audit-log";
import type { Mailer } from "@/server/mail/mailer";
import { invitationMail } from "@/server/mail/templates";
import { DomainError } from "@/server/errors";

export const INVITATION_VALID_DAYS = 7;

/** A fresh invitation token: the link's secret and what the membership row keeps (its hash, the expiry). */
export function newInvitationToken(now = Date.now()) {
  const { token, tokenHash } = newLinkToken();
  return { token, inviteTokenHash: tokenHash, inviteExpiresAt: new Date(now + INVITATION_VALID_DAYS * 86_400_000) };
}

export async function mailInvitation(
  mailer: Mailer,
  appUrl: string,
  input: { to: string; token: string; inviterName: string; tenantName: string; role: MembershipRole },
) {
  await mailer.send(
    input.to,
    invitationMail({
      inviterName: input.inviterName,
      tenantName: input.tenantName,
      role: input.role,
      url: linkTo(appUrl, "/invite", input.token),
      validDays: INVITATION_VALID_DAYS,
    }),
  );
}

export type InvitationRefusal = "invalid" | "expired" | "sign_in" | "unverified" | "wrong_account";

export class InvitationError extends DomainError {
  constructor(
    readonly reason: InvitationRefusal,
    message: string,
  ) {
    // An invalid link reads as one that does not exist; the other refusals are about who may accept.
    super(reason === "invalid" ? "NOT_FOUND" : "FORBIDDEN", message);
    this.name = "InvitationError";
  }
}

const MESSAGES: Record<InvitationRefusal, string> = {
  invalid: "This invitation link is not valid: it was used, revoked or replaced by a newer one.",
  expired: "This invitation has expired. Ask the workspace's owner or an admin to send it again.",
  sign_in: "Sign in or create an account with the invited address to accept.",
  unverified: "Confirm your email address first: open the link we mailed you when you signed up.",
  wrong_account: "This invitation was sent to a different email address than the one you are signed in with.",
};

export interface InvitationView {
  tenantName: string;
  tenantSlug: string;
  role: MembershipRole;
  invitedEmail: string;
  /** Why the signed-in user (if any) cannot accept it, or null when they can. */
  refusal: InvitationRefusal | null;
  message: string | null;
}

/** Looks an invitation up by its link's token (across tenants: the token is the capability). */
async function findByToken(prisma: PrismaClient, token: unknown) {
  if (!isWellFormedLinkToken(token)) return null;
  return prisma.membership.findUnique({
    where: { inviteTokenHash: hashLinkToken(token) },
    select: {
      id: true,
      tenantId: true,
      role: true,
      status: true,
      invitedEmail: true,
      inviteExpiresAt: true,
      tenant: { select: { name: true, slug: true } },
    },
  });
}

function refusalFor(
  invitation: NonNullable<Awaited<ReturnType<typeof findByToken>>>,
  user: { email: string; emailVerifiedAt: Date | null } | null,
  now: Date,
): InvitationRefusal | null {
  if (invitation.status !== "PENDING" || !invitation.invitedEmail) return "invalid";
  if (!invitation.inviteExpiresAt || invitation.inviteExpiresAt <= now) return "expired";
  if (!user) return "sign_in";
  if (user.email.toLowerCase() !== invitation.invitedEmail.toLowerCase()) return "wrong_account";
  if (!user.emailVerifiedAt) return "unverified";
  return null;
}

/** What the invitation page shows: the workspace and role, and whether this user may accept. */
export async function viewInvitation(
  prisma: PrismaClient,
  token: unknown,
  userId: string | null,
): Promise<InvitationView | null> {
  const invitation = await findByToken(prisma, token);
  if (!invitation || invitation.status !== "PENDING" || !invitation.invitedEmail) return null;
  const user = userId
    ? await prisma.user.findUnique({ where: { id: userId }, select: { email: true, emailVerifiedAt: true } })
    : null;
  const refusal = refusalFor(invitation, user, new Date());
  return {
    tenantName: invitation.tenant.name,
    tenantSlug: invitation.tenant.slug,
    role: invitation.role,
    invitedEmail: invitation.invitedEmail,
    refusal,
    message: refusal ? MESSAGES[refusal] : null,
  };
}

/**
 * Accepts an invitation: only with its mailed token, only by a signed-in user whose verified
 * address is the invited one, before it expires, once. The token is spent in the same statement
 * that activates the membership, so it cannot be used twice.
 */
export async function acceptInvitation(
  prisma: PrismaClient,
  token: unknown,
  userId: string,
): Promise<{ tenantSlug: string }> {
  const invitation = await findByToken(prisma, token);
  if (!invitation) throw new InvitationError("invalid", MESSAGES.invalid);
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { email: true, emailVerifiedAt: true } });
  const now = new Date();
  const refusal = refusalFor(invitation, user, now);
  if (refusal) throw new InvitationError(refusal, MESSAGES[refusal]);
  return prisma.$transaction(async (tx) => {
    const already = await tx.membership.findFirst({
      where: { tenantId: invitation.tenantId, userId },
      select: { id: true },
    });
    if (already) {
      await tx.membership.deleteMany({ where: { id: invitation.id, status: "PENDING" } });
      return { tenantSlug: invitation.tenant.slug };
    }
    const spent = await tx.membership.updateMany({
      where: {
        id: invitation.id,
        inviteTokenHash: hashLinkToken(token as string),
        status: "PENDING",
        inviteExpiresAt: { gt: now },
      },
      data: { userId, status: "ACTIVE", inviteTokenHash: null, inviteExpiresAt: null },
    });
    if (spent.count !== 1) throw new InvitationError("invalid", MESSAGES.invalid);
    await appendTenantAudit(
      tx,
      invitation.tenantId,
      { userId },
      {
        action: "member.joined",
        target: `membership:${invitation.id}`,
        summary: { email: invitation.invitedEmail, role: invitation.role },
      },
    );
    return { tenantSlug: invitation.tenant.slug };
  });
}
