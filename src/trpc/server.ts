import "server-only";

import { TRPCError } from "@trpc/server";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { createCaller } from "@/server/api/root";
import { createTRPCContext, TENANT_HEADER } from "@/server/api/trpc";
import { auth } from "@/server/auth";
import { impersonationIdFromHeaders } from "@/server/support/impersonation";
import { db } from "@/server/db";
import { inngest } from "@/inngest/client";

/** tRPC caller for server components, acting on the tenant the page's URL names. */
export const api = cache(async (tenantSlug?: string) => {
  const requestHeaders = new Headers(await headers());
  if (tenantSlug) requestHeaders.set(TENANT_HEADER, tenantSlug);
  else requestHeaders.delete(TENANT_HEADER);
  const session = await auth();
  return createCaller(
    createTRPCContext({
      headers: requestHeaders,
      prisma: db,
      sendEvent: (event) => inngest.send(event),
      session: session?.user?.id ? { user: { id: session.user.id } } : null,
    }),
  );
});

/**
 * The signed-in caller and the tenant a dashboard URL names, or the right redirect: sign-in for
 * visitors, 404 for tenants the caller may not see (so their existence doesn't leak). Layout and
 * page both call it (they render in parallel); React's cache makes it one check per request.
 */
export const requireTenant = cache(async (slug: string) => {
  const session = await auth();
  if (!session?.user?.id) redirect(`/signin?callbackUrl=${encodeURIComponent(`/t/${slug}`)}`);
  const caller = await api(slug);
  const tenant = await caller.tenant.current().catch(async (error: unknown) => {
    if (error instanceof TRPCError && (error.code === "FORBIDDEN" || error.code === "UNAUTHORIZED")) {
      // A support session that ended or expired sends its staff member back to the console.
      if (impersonationIdFromHeaders(await headers())) redirect("/support?ended=1");
      notFound();
    }
    throw error;
  });
  return { caller, tenant, user: session.user };
});

/**
 * The signed-in platform staff member (SUPPORT or ADMIN) and their running support session, for
 * the /support pages; everyone else gets a 404, so the console's existence doesn't show.
 */
export const requireStaff = cache(async (adminOnly = false) => {
  const session = await auth();
  if (!session?.user?.id) redirect(`/signin?callbackUrl=${encodeURIComponent("/support")}`);
  const caller = await api();
  const staff = await caller.support.current().catch((error: unknown) => {
    if (error instanceof TRPCError && (error.code === "FORBIDDEN" || error.code === "UNAUTHORIZED")) notFound();
    throw error;
  });
  if (adminOnly && staff.user.platformRole !== "ADMIN") notFound();
  return { caller, ...staff };
});
