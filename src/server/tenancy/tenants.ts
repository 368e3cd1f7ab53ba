import { randomBytes } from "node:crypto";
import type { PrismaClient, TenantKind } from "@/generated/prisma/client";
import { appendTenantAudit } from "@/server/audit/audit-log";
import { DomainError } from "@/server/errors";

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

type TransactionClient = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export class UnverifiedEmailError extends DomainError {
  constructor() {
    super("FORBIDDEN", "Confirm your email address first: open the link we mailed you");
    this.name = "UnverifiedEmailError";
  }
}

/** A new tenant with `userId` as its OWNER, inside the caller's transaction. */
export async function createOwnedTenant(
  tx: TransactionClient,
  userId: string,
  input: { name: string; kind: TenantKind },
) {
  const slug = await uniqueSlug(tx as PrismaClient, input.name);
  const tenant = await tx.tenant.create({ data: { slug, name: input.name.trim(), kind: input.kind } });
  await tx.membership.create({ data: { tenantId: tenant.id, userId, role: "OWNER" } });
  await appendTenantAudit(
    tx,
    tenant.id,
    { userId },
    { action: "tenant.created", target: `tenant:${tenant.id}`, summary: { name: tenant.name, kind: tenant.kind } },
  );
  return tenant;
}

/** Another tenant for an existing user, who becomes its OWNER. Only a verified address may own a workspace. */
export async function createTenantForUser(
  prisma: PrismaClient,
  userId: string,
  input: { name: string; kind: TenantKind },
) {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { emailVerifiedAt: true } });
  if (!user?.emailVerifiedAt) throw new UnverifiedEmailError();
  return prisma.$transaction((tx) => createOwnedTenant(tx, userId, input));
}

/** Deletes a tenant; every tenant-owned row goes with it (ON DELETE CASCADE). */
export async function deleteTenant(prisma: PrismaClient, tenantId: string): Promise<void> {
  await prisma.tenant.delete({ where: { id: tenantId } });
}
