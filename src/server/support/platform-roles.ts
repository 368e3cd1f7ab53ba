import type { PlatformRole, PrismaClient } from "@/generated/prisma/client";
import { appendPlatformAudit, type AuditActor } from "@/server/audit/audit-log";
import { hashPassword } from "@/server/auth/password";
import { DomainError } from "@/server/errors";

/**
 * Platform roles: USER (everyone), SUPPORT (the support console and impersonation) and ADMIN
 * (also assigns roles, grants write access to support sessions and reads the whole audit trail).
 * Assigned by an ADMIN in the console, or from the command line with `npm run admin:create`.
 */
export const PLATFORM_ROLES = ["USER", "SUPPORT", "ADMIN"] as const satisfies readonly PlatformRole[];

export class PlatformRoleError extends DomainError {
  constructor(message: string, kind: "INVALID" | "NOT_FOUND") {
    super(kind, message);
    this.name = "PlatformRoleError";
  }
}

/** Changes an existing user's platform role from the console; audited as a platform change. */
export async function assignPlatformRole(
  prisma: PrismaClient,
  input: { email: string; role: PlatformRole; actor: AuditActor & { userId: string } },
) {
  const email = input.email.trim().toLowerCase();
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true, platformRole: true } });
  if (!user) throw new PlatformRoleError("No user with that email; they need to sign up first", "NOT_FOUND");
  if (user.id === input.actor.userId)
    throw new PlatformRoleError("You cannot change your own platform role", "INVALID");
  if (user.platformRole === input.role) return { id: user.id, email, role: input.role, changed: false };
  await prisma.user.update({ where: { id: user.id }, data: { platformRole: input.role } });
  await appendPlatformAudit(prisma, input.actor, {
    action: "platform.role_changed",
    target: `user:${user.id}`,
    summary: { email, before: user.platformRole, after: input.role },
  });
  return { id: user.id, email, role: input.role, changed: true };
}

/**
 * `npm run admin:create`: creates the user (with the password given, or none — they then sign in
 * through OAuth or are given one later) or promotes an existing one. Returns what it did.
 */
export async function createOrPromoteStaff(
  prisma: PrismaClient,
  input: { email: string; role: "SUPPORT" | "ADMIN"; password?: string; name?: string },
) {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new PlatformRoleError(`Not an email address: ${input.email}`, "INVALID");
  if (input.password !== undefined && input.password.length < 8)
    throw new PlatformRoleError("The password needs at least 8 characters", "INVALID");
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
  const existing = await prisma.user.findUnique({ where: { email }, select: { id: true, platformRole: true } });
  const user = existing
    ? await prisma.user.update({
        where: { id: existing.id },
        data: { platformRole: input.role, ...(passwordHash ? { passwordHash } : {}) },
        select: { id: true },
      })
    : // An operator creates staff from the server's shell and vouches for the address.
      await prisma.user.create({
        data: {
          email,
          name: input.name ?? email.split("@")[0]!,
          platformRole: input.role,
          passwordHash,
          emailVerifiedAt: new Date(),
        },
        select: { id: true },
      });
  const before = existing?.platformRole ?? null;
  await appendPlatformAudit(
    prisma,
    { userId: null, userAgent: "npm run admin:create" },
    {
      action: existing ? "platform.role_changed" : "platform.user_created",
      target: `user:${user.id}`,
      summary: { email, before, after: input.role, passwordSet: passwordHash !== undefined },
    },
  );
  return { id: user.id, email, created: !existing, before, role: input.role, passwordSet: passwordHash !== undefined };
}
