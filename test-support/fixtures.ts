import type { MembershipRole, PrismaClient } from "@/generated/prisma/client";
import { TRPCError } from "@trpc/server";
import { createCaller } from "@/server/api/root";
import { createTRPCContext, TENANT_HEADER } from "@/server/api/trpc";
import type { Mailer } from "@/server/mail/mailer";
import { IMPERSONATION_COOKIE } from "@/server/support/impersonation";

let sequence = 0;

/** A tenant with one member of the given role and one row of each kind of tenant data. */
export async function createTenantFixture(prisma: PrismaClient, label: string, role: MembershipRole = "OWNER") {
  sequence += 1;
  const slug = `${label}-${sequence}`;
  const tenant = await prisma.tenant.create({ data: { slug, name: `Tenant ${label}`, kind: "GALLERY" } });
  const user = await prisma.user.create({
    data: { email: `${slug}@example.test`, name: `User ${label}`, emailVerifiedAt: new Date() },
  });
  const membership = await prisma.membership.create({ data: { tenantId: tenant.id, userId: user.id, role } });
  const connection = await prisma.connection.create({
    data: {
      tenantId: tenant.id,
      provider: "SAM",
      direction: "SOURCE",
      name: `SAM ${label}`,
      baseUrl: "http://127.0.0.1:4010/sam/x",
    },
  });
  const item = await prisma.item.create({
    data: { tenantId: tenant.id, sku: `SKU-${label}`, title: `Painting ${label}`, quantity: 1, oneOfAKind: true },
  });
  const event = await prisma.webhookEvent.create({
    data: {
      tenantId: tenant.id,
      connectionId: connection.id,
      provider: "SAM",
      payloadHash: "0".repeat(64),
      signatureVerdict: "VALID",
      status: "APPLIED",
    },
  });
  const secret = await prisma.secret.create({
    data: {
      tenantId: tenant.id,
      connectionId: connection.id,
      purpose: "WEBHOOK_SIGNING",
      label: "Webhook signing secret",
      keyId: "k1",
      iv: Buffer.alloc(12),
      ciphertext: Buffer.alloc(16),
      authTag: Buffer.alloc(16),
      last4: "abcd",
    },
  });
  const syncRun = await prisma.syncRun.create({
    data: {
      tenantId: tenant.id,
      connectionId: connection.id,
      trigger: "MANUAL",
      status: "SUCCEEDED",
      finishedAt: new Date(),
    },
  });
  return { tenant, user, membership, connection, item, event, secret, syncRun };
}

export type TenantFixture = Awaited<ReturnType<typeof createTenantFixture>>;

/**
 * A tRPC caller acting as `userId` on the tenant named by `tenantSlug`; `impersonationId` is the
 * support-session cookie the browser would send, `responseHeaders` collects cookies it sets.
 */
export function callerFor(
  prisma: PrismaClient,
  userId: string | null,
  tenantSlug?: string,
  options: { impersonationId?: string; responseHeaders?: Headers; mailer?: Mailer; ip?: string } = {},
) {
  const headers = new Headers(tenantSlug ? { [TENANT_HEADER]: tenantSlug } : {});
  if (options.impersonationId) headers.set("cookie", `theme=dark; ${IMPERSONATION_COOKIE}=${options.impersonationId}`);
  if (options.ip) headers.set("x-forwarded-for", options.ip);
  return createCaller(
    createTRPCContext({
      headers,
      prisma,
      session: userId ? { user: { id: userId } } : null,
      responseHeaders: options.responseHeaders,
      mailer: options.mailer,
    }),
  );
}

/** A platform staff member (SUPPORT or ADMIN) with no tenant of their own. */
export async function createStaffUser(
  prisma: PrismaClient,
  label: string,
  platformRole: "SUPPORT" | "ADMIN" = "SUPPORT",
) {
  sequence += 1;
  return prisma.user.create({
    data: {
      email: `${label}-${sequence}@staff.test`,
      name: `Staff ${label}`,
      platformRole,
      emailVerifiedAt: new Date(),
    },
  });
}

/** The TRPCError a call is refused with, or undefined when it succeeds; any other error is rethrown. */
export async function errorOf(promise: Promise<unknown>): Promise<TRPCError | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
}
