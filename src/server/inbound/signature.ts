import { createHmac, timingSafeEqual } from "node:crypto";

/** HMAC-SHA256 of the raw body bytes, exactly as received. */
export function hmacSha256(secret: string | Buffer, data: Buffer | string): Buffer {
  return createHmac("sha256", secret).update(data).digest();
}

/**
 * Constant-time comparison of two byte strings. Different lengths still cost one comparison,
 * so a guess's length is not revealed by timing either.
 */
export function constantTimeEqual(expected: Buffer, provided: Buffer): boolean {
  if (expected.length !== provided.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, provided);
}

export function decodeHex(value: string): Buffer | null {
  return /^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0 ? Buffer.from(value, "hex") : null;
}

export function decodeBase64(value: string): Buffer | null {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, "base64") : null;
}
