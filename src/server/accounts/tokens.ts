import { createHash, randomBytes } from "node:crypto";

/**
 * Tokens for mailed links: 256 random bits, sent once in the link; the database keeps only their
 * SHA-256, so a leaked database (or backup) holds no usable link.
 */
export function newLinkToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Tokens are base64url of 32 bytes; anything else is refused before a database lookup. */
export function isWellFormedLinkToken(token: unknown): token is string {
  return typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token);
}
