import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createTRPCRouter, tenantAdminProcedure, tenantProcedure } from "@/server/api/trpc";

const role = z.enum(["OWNER", "ADMIN", "MEMBER", "VIEWER"]);
const NOT_FOUND = "Member not found";

/** A tenant always keeps at least one active owner. */
async function assertOwnerRemains(db: { membership: { count: (args: { where: object }) => Promise<number> } }, excludingId: string) {
  const owners = await db.membership.count({ where: { role: "OWNER", status: "ACTIVE", id: { not: excludingId } } });
  if (owners === 0) throw new TRPCError({ code: "BAD_REQUEST", message: "A workspace needs at least one owner; make someone else owner first" });
}

export const memberRouter = createTRPCRouter({
  list: tenantProcedure.query(({ ctx }) =>
    ctx.db.membership.findMany({
      select: { id: true, role: true, status: true, invitedEmail: true, createdAt: true, userId: true, user: { select: { name: true, email: true } } },
      orderBy: { createdAt: "asc" },
    }),
  ),

  /**
   * Invites by email: a pending membership that becomes active when someone signs up or signs in
   * with that address. Only owners can hand out the owner role.
   */
  invite: tenantAdminProcedure.input(z.object({ email: z.email("Enter an email address").toLowerCase().trim(), role })).mutation(async ({ ctx, input }) => {
    if (input.role === "OWNER" && ctx.role !== "OWNER") throw new TRPCError({ code: "FORBIDDEN", message: "Only owners can invite owners" });
    const existing = await ctx.db.membership.findFirst({
      where: { OR: [{ invitedEmail: input.email }, { user: { email: input.email } }] },
      select: { id: true, status: true },
    });
    if (existing) throw new TRPCError({ code: "CONFLICT", message: existing.status === "PENDING" ? "That address already has an invitation" : "That person is already a member" });
    const membership = await ctx.db.membership.create({
      data: { tenantId: ctx.tenant.id, invitedEmail: input.email, role: input.role, status: "PENDING" },
      select: { id: true },
    });
    await ctx.audit({ action: "member.invited", target: `membership:${membership.id}`, summary: { email: input.email, role: input.role } });
    return membership;
  }),

  updateRole: tenantAdminProcedure.input(z.object({ id: z.string().min(1), role })).mutation(async ({ ctx, input }) => {
    const member = await ctx.db.membership.findFirst({ where: { id: input.id }, select: { id: true, role: true, userId: true } });
    if (!member) throw new TRPCError({ code: "NOT_FOUND", message: NOT_FOUND });
    if ((input.role === "OWNER" || member.role === "OWNER") && ctx.role !== "OWNER") throw new TRPCError({ code: "FORBIDDEN", message: "Only owners can change an owner's role or make owners" });
    if (member.role === "OWNER" && input.role !== "OWNER") await assertOwnerRemains(ctx.db, member.id);
    await ctx.db.membership.updateMany({ where: { id: member.id }, data: { role: input.role } });
    await ctx.audit({ action: "member.role_changed", target: `membership:${member.id}`, summary: { before: member.role, after: input.role } });
    return { id: member.id, role: input.role };
  }),

  remove: tenantAdminProcedure.input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    const member = await ctx.db.membership.findFirst({ where: { id: input.id }, select: { id: true, role: true, invitedEmail: true, user: { select: { email: true } } } });
    if (!member) throw new TRPCError({ code: "NOT_FOUND", message: NOT_FOUND });
    if (member.role === "OWNER" && ctx.role !== "OWNER") throw new TRPCError({ code: "FORBIDDEN", message: "Only owners can remove an owner" });
    if (member.role === "OWNER") await assertOwnerRemains(ctx.db, member.id);
    await ctx.db.membership.deleteMany({ where: { id: member.id } });
    await ctx.audit({ action: "member.removed", target: `membership:${member.id}`, summary: { email: member.user?.email ?? member.invitedEmail, role: member.role } });
    return { removed: true };
  }),
});
