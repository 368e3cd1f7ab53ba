import { randomBytes } from "node:crypto";
import type { PrismaClient, TenantKind } from "@/generated/prisma/client";
import { appendTenantAudit } from "@/server/audit/audit-log";
import { hashPassword } from "@/server/auth/password";

export class EmailTakenError extends Error {
  constructor() {
    super("An account with this email already exists");
    this.name = "EmailTakenError";
  }
}

export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/g, "");
  return slug || "tenant";
}

/** A slug not yet taken: the name's slug, or the slug with a short random suffix. */
export async function uniqueSlug(prisma: PrismaClient, name: string): Promise<string> {
  const base = slugify(name);
  if (!(await prisma.tenant.findUnique({ where: { slug: base }, select: { id: true } }))) return base;
  for (;;) {
    const candidate = `${base}-${randomBytes(3).toString("hex")}`;
    if (!(await prisma.tenant.findUnique({ where: { slug: candidate }, select: { id: true } }))) return candidate;
  }
}

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  tenantName: string;
  tenantKind: TenantKind;
}

/** Sign-up: the user, their first tenant and the OWNER membership, all or nothing. */
export async function registerOwner(prisma: PrismaClient, input: SignUpInput) {
  const email = input.email.trim().toLowerCase();
  if (await prisma.user.findUnique({ where: { email }, select: { id: true } })) throw new EmailTakenError();
  const passwordHash = await hashPassword(input.password);
  const slug = await uniqueSlug(prisma, input.tenantName);
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email, name: input.name.trim(), passwordHash } });
    const tenant = await tx.tenant.create({ data: { slug, name: input.tenantName.trim(), kind: input.tenantKind } });
    await tx.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "OWNER" } });
    await appendTenantAudit(tx, tenant.id, { userId: user.id }, { action: "tenant.created", target: `tenant:${tenant.id}`, summary: { name: tenant.name, kind: tenant.kind } });
    return { user, tenant };
  });
}

/** Another tenant for an existing user, who becomes its OWNER. */
export async function createTenantForUser(prisma: PrismaClient, userId: string, input: { name: string; kind: TenantKind }) {
  const slug = await uniqueSlug(prisma, input.name);
  return prisma.$transaction(async (tx) => {
    const tenant = await tx.tenant.create({ data: { slug, name: input.name.trim(), kind: input.kind } });
    await tx.membership.create({ data: { tenantId: tenant.id, userId, role: "OWNER" } });
    await appendTenantAudit(tx, tenant.id, { userId }, { action: "tenant.created", target: `tenant:${tenant.id}`, summary: { name: tenant.name, kind: tenant.kind } });
    return tenant;
  });
}

/**
 * Invitations wait as PENDING memberships under an email address; the first sign-in (or sign-up)
 * with that address turns them into memberships of that user. Returns how many were accepted.
 */
export async function acceptPendingInvitations(prisma: PrismaClient, user: { id: string; email: string }): Promise<number> {
  const invitations = await prisma.membership.findMany({ where: { invitedEmail: user.email.toLowerCase(), status: "PENDING" }, select: { id: true, tenantId: true } });
  let accepted = 0;
  for (const invitation of invitations) {
    const already = await prisma.membership.findFirst({ where: { tenantId: invitation.tenantId, userId: user.id }, select: { id: true } });
    if (already) {
      await prisma.membership.delete({ where: { id: invitation.id } });
      continue;
    }
    await prisma.membership.update({ where: { id: invitation.id }, data: { userId: user.id, status: "ACTIVE" } });
    await appendTenantAudit(prisma, invitation.tenantId, { userId: user.id }, { action: "member.joined", target: `membership:${invitation.id}` });
    accepted += 1;
  }
  return accepted;
}

/** Deletes a tenant; every tenant-owned row goes with it (ON DELETE CASCADE). */
export async function deleteTenant(prisma: PrismaClient, tenantId: string): Promise<void> {
  await prisma.tenant.delete({ where: { id: tenantId } });
}
