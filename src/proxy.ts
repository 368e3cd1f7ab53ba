import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/env";
import { contentSecurityPolicy, newNonce } from "@/server/security/headers";
import { logger, requestIdOf } from "@/server/logger";

/**
 * Two jobs, on two sets of paths (see `config`):
 *
 * Webhook URLs with a malformed percent-escape (`/api/webhooks/%zz/…`) make Next.js fail to
 * decode the route's parameters and answer a bare 500 before any handler runs; a platform would
 * retry that forever. They can name no tenant, so they get the same 404 as an unknown connection.
 *
 * Pages get their Content-Security-Policy with a fresh nonce. Next.js reads the nonce from the
 * request's CSP header and puts it on its own scripts; the root layout renders per request.
 */
export function proxy(request: NextRequest) {
  if (request.nextUrl.pathname.startsWith("/api/webhooks/")) return malformedWebhookPath(request);
  return withContentSecurityPolicy(request);
}

function malformedWebhookPath(request: NextRequest) {
  try {
    for (const segment of request.nextUrl.pathname.split("/")) decodeURIComponent(segment);
  } catch {
    logger.info(
      { area: "webhooks", requestId: requestIdOf(request.headers) },
      `404 for a malformed URL escape: ${request.nextUrl.pathname.slice(0, 120)}`,
    );
    return NextResponse.json({ error: "Not found" }, { status: 404 });
  }
  return NextResponse.next();
}

function withContentSecurityPolicy(request: NextRequest) {
  const policy = contentSecurityPolicy(newNonce(), {
    development: env().NODE_ENV === "development",
    https: env().APP_URL.startsWith("https://"),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    // Only webhook paths holding a "%": real webhook URLs never do (slugs and ids are plain
    // letters, digits and dashes), and running the proxy on every delivery halved the measured
    // acknowledgement throughput.
    "/api/webhooks/:path(.*%.*)",
    // Pages: everything but API routes, Next's own files (static chunks, images, the dev server's
    // HMR socket) and prefetches (which render no scripts).
    {
      source: "/((?!api/|_next/|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
