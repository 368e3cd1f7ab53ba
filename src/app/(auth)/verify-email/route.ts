import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/env";
import { verifyEmail } from "@/server/accounts/verification";
import { db } from "@/server/db";
import { logger } from "@/server/logger";

/** The mailed confirmation link: spends the token, then sends the person to sign in (and on to where they were going). */
export async function GET(request: NextRequest) {
  const result = await verifyEmail(db, request.nextUrl.searchParams.get("token"));
  const target = new URL("/signin", env().APP_URL);
  if (result.ok) {
    target.searchParams.set("verified", "1");
    target.searchParams.set("callbackUrl", result.next);
    logger.info(
      { area: "accounts", tenantSlug: result.tenantSlug },
      `email verified${result.tenantSlug ? `; workspace ${result.tenantSlug} created` : ""}`,
    );
  } else {
    target.searchParams.set("verification", result.reason);
  }
  return NextResponse.redirect(target, 303);
}
