/**
 * Which request headers carry a secret or a proof of one (a signature, a token, a password, a
 * session), so the dashboard shows them masked. Matched on the lower-cased name: exact names for
 * the standard ones, and any name containing one of the words for the platforms' own
 * (`x-shopify-hmac-sha256`, `x-wc-webhook-signature`, `webhook-signature`, `x-stockhook-token`).
 */
const SECRET_HEADER_NAMES = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
const SECRET_HEADER_WORDS = [
  "signature",
  "hmac",
  "token",
  "secret",
  "api-key",
  "apikey",
  "password",
  "auth",
  "session",
];

export function isSecretHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_HEADER_NAMES.has(lower) || SECRET_HEADER_WORDS.some((word) => lower.includes(word));
}

/** Long enough that its first 4 characters say which value it is without helping to guess it. */
const PREFIX_SHOWN_FROM_LENGTH = 16;

/** A secret-bearing value as the dashboard shows it: its first 4 characters at most, and its length. */
export function maskSecretValue(value: string): string {
  const prefix = value.length >= PREFIX_SHOWN_FROM_LENGTH ? value.slice(0, 4) : "";
  return `${prefix}…(masked, ${value.length} characters)`;
}

/** The header's value as the dashboard shows it: masked when its name marks it secret-bearing. */
export function maskHeader(name: string, value: string): string {
  return isSecretHeader(name) ? maskSecretValue(value) : value;
}

/** Every header with the secret-bearing ones masked. */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, maskHeader(name, value)]));
}
