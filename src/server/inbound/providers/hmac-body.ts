import { constantTimeEqual, hmacSha256 } from "../signature";
import type { RawDelivery, SigningSecret, Verification } from "./types";

/**
 * The common scheme (SAM, Shopify, WooCommerce): one header carrying HMAC-SHA256 of the raw
 * body with the shared secret, in an encoding the provider chose.
 */
export function verifyBodyHmac(
  delivery: RawDelivery,
  secrets: SigningSecret[],
  header: string,
  decode: (value: string) => Buffer | null,
): Verification {
  const provided = delivery.headers.get(header)?.trim();
  if (!provided) return { verdict: "MISSING" };
  const signature = decode(provided);
  if (!signature) return { verdict: "INVALID" };
  for (const secret of secrets) {
    if (constantTimeEqual(hmacSha256(secret.value, delivery.body), signature))
      return { verdict: "VALID", matchedSecretId: secret.id };
  }
  return { verdict: "INVALID" };
}
