/**
 * The browser-facing security headers. Pages get a Content-Security-Policy with a fresh nonce per
 * request (set by src/proxy.ts; Next.js puts the nonce on its own scripts), so only the app's
 * scripts run: no inline script an attacker manages to inject, no script from elsewhere. Every
 * response (API routes and webhooks too, from next.config.ts, without running the proxy) gets
 * nosniff, a referrer policy, a frame ban and, in production, HSTS.
 */
export interface CspOptions {
  /**
   * `next dev`: React's development build needs eval, and the dev overlay injects style elements
   * without a nonce. Production needs neither.
   */
  development: boolean;
  /** Behind https, ask the browser to upgrade any http:// subresource instead of loading it in the clear. */
  https: boolean;
}

export function contentSecurityPolicy(nonce: string, options: CspOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    options.development ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    // React renders computed sizes (the events chart's bars) as style attributes; attributes cannot carry a nonce.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** A nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/** The same on every response; HSTS only from a production build (browsers ignore it over http anyway). */
export function staticSecurityHeaders(production: boolean): { key: string; value: string }[] {
  return [
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    // For browsers without CSP frame-ancestors, and for responses that carry no CSP (API routes).
    { key: "X-Frame-Options", value: "DENY" },
    ...(production ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }] : []),
  ];
}
