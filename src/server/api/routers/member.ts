import { z } from "zod";
import { env } from "@/env";
import { createTRPCRouter, protectedProcedure, tenantAdminProcedure, tenantProcedure } from "@/server/api/trpc";
import { acceptInvitation, mailInvitation, newInvitationToken } from "@/server/tenancy/invitations";
import { DomainError, findOrThrow } from "@/server/errors";
import { MembershipRole } from "@/generated/prisma/enums";
import type { TenantDb } from "@/server/tenancy/tenant-db";

type TransactionClient = Parameters<Parameters<TenantDb["$transaction"]>[0]>[0];

const role = z.enum(MembershipRole);
const NOT_FOUND = "Member not found";

const LAST_OWNER = "A workspace needs at least one owner; make someone else owner first";

/**
 * A workspace always keeps at least one active owner. The check and the change run in one
 * serializable transaction, so two owners removing or demoting each other at the same moment
 * cannot both succeed; the loser is told to try again.
 */
async function changeUnlessLastOwner(
  db: TenantDb,
  tenantId: string,
  member: { id: string; role: string },
  change: (tx: TransactionClient) => Promise<unknown>,
) {
  try {
    await db.$transaction(
      async (tx) => {
        if (member.role === "OWNER") {
          const otherOwners = await tx.membership.count({
            where: { tenantId, role: "OWNER", status: "ACTIVE", id: { not: member.id } },
          });
          if (otherOwners === 0) throw new DomainError("CONFLICT", LAST_OWNER);
        }
        await change(tx);
      },
      { isolationLevel: "Serializable" },
    );
  } catch (error) {
    if ((error as { code?: string }).code === "P2034")
      throw new DomainError("CONFLICT", "Someone changed the members at the same time; try again");
    throw error;
  }
}

export const memberRouter = createTRPCRouter({
  list: tenantProcedure.query(({ ctx }) =>
    ctx.db.membership.findMany({
      select: {
        id: true,
        role: true,
        status: true,
        invitedEmail: true,
        inviteExpiresAt: true,
        createdAt: true,
        userId: true,
        user: { select: { name: true, email: true } },
      },
      orderBy: { createdAt: "asc" },
    }),
  ),

  /**
   * Invites by email: a pending membership and a mailed single-use link (7 days). Only the person
   * who signs in with that verified address and opens the link joins. Only owners can hand out
   * the owner role.
   */
  invite: tenantAdminProcedure
    .input(z.object({ email: z.email("Enter an email address").toLowerCase().trim(), role }))
    .mutation(async ({ ctx, input }) => {
      if (input.role === "OWNER" && ctx.role !== "OWNER")
        throw new DomainError("FORBIDDEN", "Only owners can invite owners");
      const existing = await ctx.db.membership.findFirst({
        where: { OR: [{ invitedEmail: input.email }, { user: { email: input.email } }] },
        select: { id: true, status: true },
      });
      if (existing)
        throw new DomainError(
          "CONFLICT",
          existing.status === "PENDING"
            ? "That address already has an invitation: send it again from the list"
            : "That person is already a member",
        );
      const { token, inviteTokenHash, inviteExpiresAt } = newInvitationToken();
      const membership = await ctx.db.membership.create({
        data: {
          tenantId: ctx.tenant.id,
          invitedEmail: input.email,
          role: input.role,
          status: "PENDING",
          inviteTokenHash,
          inviteExpiresAt,
          invitedById: ctx.user.id,
        },
        select: { id: true },
      });
      await ctx.audit({
        action: "member.invited",
        target: `membership:${membership.id}`,
        summary: { email: input.email, role: input.role },
      });
      await mailInvitation(ctx.mailer, env().APP_URL, {
        to: input.email,
        token,
        inviterName: ctx.user.name,
        tenantName: ctx.tenant.name,
        role: input.role,
      });
      return membership;
    }),

  /** A new link for a pending invitation: the old link stops working and the 7 days start again. */
  resendInvitation: tenantAdminProcedure.input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    const pending = ctx.db.membership.findFirst({
      where: { id: input.id, status: "PENDING" },
      select: { id: true, role: true, invitedEmail: true },
    });
    // A pending membership without an address cannot be mailed again: it reads as no invitation.
    const invitation = await findOrThrow(
      pending.then((row) => (row?.invitedEmail ? { ...row, invitedEmail: row.invitedEmail } : null)),
      "Invitation not found",
    );
    if (invitation.role === "OWNER" && ctx.role !== "OWNER")
      throw new DomainError("FORBIDDEN", "Only owners can invite owners");
    const { token, inviteTokenHash, inviteExpiresAt } = newInvitationToken();
    await ctx.db.membership.updateMany({
      where: { id: invitation.id, status: "PENDING" },
      data: { inviteTokenHash, inviteExpiresAt, invitedById: ctx.user.id },
    });
    await ctx.audit({
      action: "member.invitation_resent",
      target: `membership:${invitation.id}`,
      summary: { email: invitation.invitedEmail },
    });
    await mailInvitation(ctx.mailer, env().APP_URL, {
      to: invitation.invitedEmail,
      token,
      inviterName: ctx.user.name,
      tenantName: ctx.tenant.name,
      role: invitation.role,
    });
    return { id: invitation.id, inviteExpiresAt };
  }),

  /** Accepts an invitation with its mailed token (see acceptInvitation for who may). */
  acceptInvitation: protectedProcedure
    .input(z.object({ token: z.string().max(200) }))
    .mutation(({ ctx, input }) => acceptInvitation(ctx.prisma, input.token, ctx.user.id)),

  updateRole: tenantAdminProcedure.input(z.object({ id: z.string().min(1), role })).mutation(async ({ ctx, input }) => {
    const member = await findOrThrow(
      ctx.db.membership.findFirst({ where: { id: input.id }, select: { id: true, role: true, userId: true } }),
      NOT_FOUND,
    );
    if ((input.role === "OWNER" || member.role === "OWNER") && ctx.role !== "OWNER")
      throw new DomainError("FORBIDDEN", "Only owners can change an owner's role or make owners");
    const demoting = member.role === "OWNER" && input.role !== "OWNER";
    await changeUnlessLastOwner(ctx.db, ctx.tenant.id, demoting ? member : { ...member, role: "-" }, (tx) =>
      tx.membership.updateMany({ where: { id: member.id, tenantId: ctx.tenant.id }, data: { role: input.role } }),
    );
    await ctx.audit({
      action: "member.role_changed",
      target: `membership:${member.id}`,
      summary: { before: member.role, after: input.role },
    });
    return { id: member.id, role: input.role };
  }),

  remove: tenantAdminProcedure.input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    const member = await findOrThrow(
      ctx.db.membership.findFirst({
        where: { id: input.id },
        select: { id: true, role: true, status: true, invitedEmail: true, user: { select: { email: true } } },
      }),
      NOT_FOUND,
    );
    if (member.role === "OWNER" && ctx.role !== "OWNER")
      throw new DomainError("FORBIDDEN", "Only owners can remove an owner");
    await changeUnlessLastOwner(ctx.db, ctx.tenant.id, member, (tx) =>
      tx.membership.deleteMany({ where: { id: member.id, tenantId: ctx.tenant.id } }),
    );
    await ctx.audit({
      action: member.status === "PENDING" ? "member.invitation_revoked" : "member.removed",
      target: `membership:${member.id}`,
      summary: { email: member.user?.email ?? member.invitedEmail, role: member.role },
    });
    return { removed: true };
  }),
});
