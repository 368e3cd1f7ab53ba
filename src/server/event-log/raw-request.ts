import type { Provider } from "@/generated/prisma/client";
import { maskHeaders, maskSecretValue } from "@/shared/secret-headers";

/**
 * The request an accepted delivery arrived as (headers and body bytes, stored since migration
 * `webhook_event_raw_request`), as the drawer may show it to anyone who can read the event: the
 * secret-bearing headers masked, and a body that itself carries the shared secret (Business
 * Central's `clientState`) masked too. The exact request goes only through `replay-command.ts`.
 */
export interface StoredRequest {
  headers: Record<string, string>;
  body: Buffer;
}

export function storedRequestOf(event: { requestHeaders: unknown; rawBody: Uint8Array | null }): StoredRequest | null {
  if (!event.rawBody || !event.requestHeaders || typeof event.requestHeaders !== "object") return null;
  return {
    headers: event.requestHeaders as Record<string, string>,
    // A view of the bytes Prisma returned, not a copy (up to 1 MiB).
    body: Buffer.from(event.rawBody.buffer, event.rawBody.byteOffset, event.rawBody.byteLength),
  };
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The bytes as text when they are UTF-8 (one pass; a byte-order mark is kept as a character), else null. */
export function utf8Text(body: Uint8Array): string | null {
  try {
    return strictUtf8.decode(body);
  } catch {
    return null;
  }
}

export function isUtf8(body: Uint8Array): boolean {
  return utf8Text(body) !== null;
}

/** Providers whose body carries the shared secret itself, and the JSON key that holds it. */
const SECRET_BODY_KEYS: Partial<Record<Provider, string>> = { BUSINESS_CENTRAL: "clientState" };

function jsonStringValues(key: string): RegExp {
  return new RegExp(`("${key}"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)(")`, "g");
}

export interface ShownRequest {
  headers: Record<string, string>;
  /** The body as text, byte for byte unless `bodyMasked`; null when the bytes are not UTF-8. */
  body: string | null;
  bodyMasked: boolean;
  bodyBytes: number;
}

export function shownRequest(provider: Provider, request: StoredRequest): ShownRequest {
  const text = utf8Text(request.body);
  const secretKey = SECRET_BODY_KEYS[provider];
  const masked =
    text !== null && secretKey
      ? text.replace(jsonStringValues(secretKey), (_all, open: string, value: string, close: string) => {
          return `${open}${maskSecretValue(value)}${close}`;
        })
      : text;
  return {
    headers: maskHeaders(request.headers),
    body: masked,
    bodyMasked: masked !== text,
    bodyBytes: request.body.length,
  };
}
