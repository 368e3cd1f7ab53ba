import { createHmac, randomBytes } from "node:crypto";

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 with the
 * base64-decoded part of a `whsec_…` secret over `{webhook-id}.{webhook-timestamp}.{body}`,
 * sent as `webhook-signature: v1,<base64>`. During a rotation every live secret signs, space
 * separated, so a receiver holding either the old or the new secret verifies the delivery.
 */
const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

export function generateEndpointSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString("base64")}`;
}

function keyOf(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error("An endpoint signing secret starts with whsec_");
  return Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
}

export function signatureOf(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac("sha256", keyOf(secret)).update(`${messageId}.${timestampSeconds}.${body}`).digest("base64")}`;
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

export function signedHeaders(secrets: string[], messageId: string, body: string, now = new Date()): SignedHeaders {
  if (secrets.length === 0) throw new Error("An endpoint needs at least one live signing secret");
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets.map((secret) => signatureOf(secret, messageId, timestamp, body)).join(" "),
  };
}
