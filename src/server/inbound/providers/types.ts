import type { z } from "zod";
import type { PrismaClient, SignatureVerdict } from "@/generated/prisma/client";

/** One delivery as it arrived: the raw body bytes, never re-serialised before verification. */
export interface RawDelivery {
  headers: Headers;
  body: Buffer;
  query: URLSearchParams;
  receivedAt: Date;
}

export interface SigningSecret {
  id: string;
  value: string;
}

export interface Verification {
  verdict: SignatureVerdict;
  matchedSecretId?: string;
}

/** A stock change a source reported, in Stockhook's terms. */
export interface InboundStockChange {
  externalId: string;
  quantity?: number;
  status?: "AVAILABLE" | "SOLD" | "OUT_OF_STOCK" | "ARCHIVED";
  reason: "sale" | "return" | "restock" | "adjustment" | "update" | "delete" | "notification";
  locationId?: string;
  sourceAt: Date;
}

export interface ParsedDelivery {
  topic: string;
  /** The provider's own id for this delivery or event, used for the 72-hour dedup. */
  deliveryId?: string;
  externalIds: string[];
  sourceAt?: Date;
  changes: InboundStockChange[];
  payload: unknown;
}

export type ParseResult = { ok: true; delivery: ParsedDelivery } | { ok: false; reason: string };

/** Messages answered before (and instead of) signature checks: handshakes and pings. */
export type Preflight =
  { kind: "respond"; status: number; body: string; contentType: string; note: string } | { kind: "continue" };

/** What a preflight may consult: the connection the URL names, and the database (e.g. a handshake window). */
export interface PreflightContext {
  connection: { id: string; tenantId: string; provider: string };
  prisma: Pick<PrismaClient, "connection">;
  now: Date;
}

export interface WebhookProvider {
  /** Header values worth keeping in the event log; never the signature secret itself. */
  loggedHeaders: string[];
  /** Content types the provider sends for real deliveries. */
  contentTypes: string[];
  preflight?: (delivery: RawDelivery, context: PreflightContext) => Preflight | Promise<Preflight>;
  verify: (delivery: RawDelivery, secrets: SigningSecret[]) => Verification;
  parse: (delivery: RawDelivery) => ParseResult;
}

export function parseJson<T>(
  delivery: RawDelivery,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(delivery.body.toString("utf8"));
  } catch {
    return { ok: false, reason: "body is not valid JSON" };
  }
  if (!storable(json))
    return {
      ok: false,
      reason: "payload contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored",
    };
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    reason:
      `payload does not match the expected shape: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? ""}`.trim(),
  };
}

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * PostgreSQL's jsonb and text refuse NUL and unpaired surrogates; valid JSON may hold both.
 * Walked with a stack of its own, not recursion: a 1 MiB body can nest 500,000 levels deep.
 */
function storable(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (UNSTORABLE.test(value)) return false;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) {
        if (UNSTORABLE.test(key)) return false;
        pending.push(item);
      }
    }
  }
  return true;
}
