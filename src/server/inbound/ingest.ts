import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient, Provider, SignatureVerdict } from "@/generated/prisma/client";
import type { ConnectionDirectory, WebhookConnection } from "./connection-directory";
import type { KnownSourceAddresses } from "./known-sources";
import { webhookProviders } from "./providers";
import type { ParsedDelivery, RawDelivery, SigningSecret } from "./providers/types";
import type { RateLimit, RateLimiter } from "./rate-limiter";
import type { BodyReadResult } from "./read-body";
import { storedRequestHeaders } from "./request-headers";
import type { SigningSecretCache } from "./signing-secrets";
import { itemConcurrencyKey } from "@/server/pipeline/item-key";
import { logger } from "@/server/logger";
import type { DeliverySeen } from "@/server/metrics/observe";
import { STORED_DELIVERY_HEADER } from "./stored-delivery-header";

/**
 * The front door: one delivery in, one answer out. Accepted deliveries get a row in the event
 * log each; refused ones are counted per connection, reason and minute, with a few recent ones
 * kept as rows for the timeline, so a stranger's flood cannot fill the database. Written against
 * plain types so it runs without Next.js.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
export const DUPLICATE_PAYLOAD_WINDOW_MS = 5_000;
export const DELIVERY_ID_MEMORY_MS = 72 * 60 * 60 * 1000;
/**
 * Providers whose signature covers the body but no timestamp, and whose delivery-id header is
 * not signed: a captured delivery could be replayed under a fresh id, so the signed body itself
 * is remembered as long as delivery ids are.
 */
export const BODY_HASH_DEDUP_PROVIDERS: ReadonlySet<Provider> = new Set<Provider>(["SAM", "SHOPIFY", "WOOCOMMERCE"]);
/** Refused requests kept as timeline rows: the first few of each kind per minute… */
export const REJECTION_SAMPLES_PER_MINUTE = 3;
/** …and at most this many unauthenticated ones per connection in all. */
export const REJECTION_SAMPLES_KEPT = 50;
export const DEFAULT_BODY_TIMEOUT_MS = 3_000;

export interface WebhookEventMessage {
  id: string;
  tenantId: string;
  connectionId: string;
  webhookEventId: string;
  itemKey: string;
}

export interface IngestDeps {
  prisma: PrismaClient;
  connections: ConnectionDirectory;
  secrets: SigningSecretCache;
  /** Per connection: what one platform account may send (shared by every instance: SharedRateLimiter). */
  rateLimiter: RateLimit;
  /** Per source address, every request, checked before anything touches the database. */
  sourceLimiter: RateLimiter;
  /** Per source address and connection, spent by each refused request. */
  rejectionLimiter: RateLimiter;
  knownSources: KnownSourceAddresses;
  /**
   * Where a verified delivery of a tenant that is not sending a burst is stored: the fast path's
   * own pool, so a quiet tenant's sale is not acknowledged behind a burst's statements waiting for
   * a connection. Everything before the signature is checked stays on `prisma`.
   */
  quietStore?: { isQuiet: (tenantId: string) => boolean; prisma: PrismaClient };
  /** Total time allowed for reading a body (408 after it). */
  bodyTimeoutMs?: number;
  /** Hands the event to the durable pipeline; may throw when Inngest is unreachable. */
  sendEvent: (message: WebhookEventMessage) => Promise<void>;
  sendTimeoutMs?: number;
  /**
   * Runs the hand-over after the answer has gone out (Next.js `after`), so the platform's wait
   * ends with the durable store. Without it the hand-over is awaited before answering.
   */
  defer?: (task: () => Promise<void>) => void;
  now?: () => Date;
  log?: (line: string, ids?: { tenantId?: string; eventId?: string }) => void;
}

export interface IncomingDelivery {
  tenantSlug: string;
  connectionId: string;
  headers: Headers;
  query: URLSearchParams;
  /** Declared size, checked before the body is read. */
  contentLength: number | null;
  /** The client's address as the trusted proxies report it (source-address.ts); null if unknown. */
  sourceAddress: string | null;
  readBody: (limit: number, timeoutMs: number) => Promise<BodyReadResult>;
}

export interface IngestAnswer {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

const json = (status: number, body: object, headers?: Record<string, string>): IngestAnswer => ({
  status,
  body: JSON.stringify(body),
  contentType: "application/json",
  headers,
});

type Connection = WebhookConnection;

interface Rejection {
  responseStatus: number;
  verdict: SignatureVerdict;
  payloadHash: string;
  error: string;
  matchedSecretId?: string;
  fromKnownSource?: boolean;
}

function sha256(body: Buffer): string {
  return createHash("sha256").update(body).digest("hex");
}

function loggedHeaders(headers: Headers, names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.flatMap((name) => (headers.has(name) ? [[name, headers.get(name)!.slice(0, 300)]] : [])),
  );
}

/** Durations of the phases of one delivery, reported in the Server-Timing header. */
function phaseTimer() {
  const marks: string[] = [];
  let last = performance.now();
  return {
    mark(name: string) {
      const at = performance.now();
      marks.push(`${name};dur=${(at - last).toFixed(1)}`);
      last = at;
    },
    header: () => marks.join(", "),
  };
}

export async function ingestWebhook(
  deps: IngestDeps,
  incoming: IncomingDelivery,
  seen: DeliverySeen = {},
): Promise<IngestAnswer> {
  const timer = phaseTimer();
  const now = deps.now?.() ?? new Date();
  const log =
    deps.log ??
    ((line: string, ids?: { tenantId?: string; eventId?: string }) => logger.info({ area: "webhooks", ...ids }, line));
  const tooMany = (error: string, retryAfterSeconds: number) =>
    json(429, { error }, { "retry-after": String(retryAfterSeconds) });
  // PostgreSQL refuses NUL in text, so such a path could only fail as a database error (503 and
  // retried forever); it can name no tenant, so it gets the unknown connection's answer.
  if (!plausiblePathPart(incoming.tenantSlug) || !plausiblePathPart(incoming.connectionId)) {
    log(
      `[webhooks] 404 for an implausible path (${JSON.stringify(incoming.tenantSlug.slice(0, 60))}/${JSON.stringify(incoming.connectionId.slice(0, 60))})`,
    );
    return json(404, { error: "Not found" });
  }
  // Per source address, before anything touches the database (404 lookups included).
  const source = incoming.sourceAddress ?? "unknown";
  const bySource = deps.sourceLimiter.take(source);
  if (!bySource.allowed) return tooMany("rate limit exceeded for this address", bySource.retryAfterSeconds);
  const connection = await deps.connections.find(incoming.tenantSlug, incoming.connectionId);
  if (!connection) {
    log(
      `[webhooks] 404 for /${incoming.tenantSlug.slice(0, 60)}/${incoming.connectionId.slice(0, 60)}: no such enabled connection`,
    );
    return json(404, { error: "Not found" });
  }
  timer.mark("lookup");
  seen.provider = connection.provider;
  const provider = webhookProviders[connection.provider];
  const headersToLog = loggedHeaders(incoming.headers, provider.loggedHeaders);
  const rejectionKey = `${source} ${connection.id}`;
  const reject = async (rejection: Rejection, answer: IngestAnswer) => {
    // Signed refusals (a payload the platform sent but Stockhook cannot use) are the platform's own.
    if (rejection.verdict !== "VALID") deps.rejectionLimiter.take(rejectionKey);
    await recordRejection(deps.prisma, connection, now, headersToLog, rejection);
    return answer;
  };

  // A source that keeps sending refused requests to this connection is turned away before it
  // costs anything more; 429s write nothing.
  const refusals = deps.rejectionLimiter.check(rejectionKey);
  if (!refusals.allowed) return tooMany("too many refused requests from this address", refusals.retryAfterSeconds);
  const limit = await deps.rateLimiter.take(connection.id);
  if (!limit.allowed) return tooMany("rate limit exceeded for this connection", limit.retryAfterSeconds);

  const emptyHash = sha256(Buffer.alloc(0));
  if (incoming.contentLength !== null && incoming.contentLength > MAX_BODY_BYTES) {
    const error = `body of ${incoming.contentLength} bytes is over the 1 MiB limit`;
    return reject({ responseStatus: 413, verdict: "NOT_CHECKED", payloadHash: emptyHash, error }, json(413, { error }));
  }

  const bodyTimeoutMs = deps.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const body = await incoming.readBody(MAX_BODY_BYTES, bodyTimeoutMs);
  if (body === "too_large") {
    const error = "body is over the 1 MiB limit";
    return reject({ responseStatus: 413, verdict: "NOT_CHECKED", payloadHash: emptyHash, error }, json(413, { error }));
  }
  if (body === "timeout") {
    const error = `body not received within ${bodyTimeoutMs} ms`;
    return reject({ responseStatus: 408, verdict: "NOT_CHECKED", payloadHash: emptyHash, error }, json(408, { error }));
  }
  const payloadHash = sha256(body);
  const delivery: RawDelivery = { headers: incoming.headers, body, query: incoming.query, receivedAt: now };

  const preflight = (await provider.preflight?.(delivery, { connection, prisma: deps.prisma, now })) ?? {
    kind: "continue" as const,
  };
  if (preflight.kind === "respond") {
    seen.handshake = true;
    if (!preflightLoggedRecently(connection.id, now))
      await logPreflight(deps.prisma, connection, now, headersToLog, payloadHash, preflight);
    return { status: preflight.status, body: preflight.body, contentType: preflight.contentType };
  }

  const contentType = (incoming.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!provider.contentTypes.includes(contentType)) {
    const error = `content type "${contentType.slice(0, 80) || "(none)"}" is not accepted; send ${provider.contentTypes.join(" or ")}`;
    return reject({ responseStatus: 415, verdict: "NOT_CHECKED", payloadHash, error }, json(415, { error }));
  }

  timer.mark("read");
  const verification = await verify(deps, connection, delivery);
  timer.mark("verify");
  if (verification.verdict !== "VALID") {
    // The payload of an unauthenticated delivery is never parsed or stored: only its hash.
    const fromKnownSource = await deps.knownSources.isKnown(connection.tenantId, connection.id, source);
    const error = `signature ${verification.verdict.toLowerCase().replaceAll("_", " ")}`;
    return reject(
      { responseStatus: 401, verdict: verification.verdict, payloadHash, error, fromKnownSource },
      json(401, { error: "Invalid signature" }),
    );
  }
  deps.secrets.touch(verification.matchedSecretId!);
  deps.knownSources.remember(connection.tenantId, connection.id, source);

  const parsed = provider.parse(delivery);
  if (!parsed.ok) {
    // Signed by the platform, so always kept as a row (record_webhook_rejection keeps VALID ones).
    return reject(
      {
        responseStatus: 400,
        verdict: "VALID",
        matchedSecretId: verification.matchedSecretId,
        payloadHash,
        error: parsed.reason,
      },
      json(400, { error: parsed.reason }),
    );
  }

  const stored = await storeAccepted(
    deps.quietStore?.isQuiet(connection.tenantId) ? deps.quietStore.prisma : deps.prisma,
    connection,
    now,
    headersToLog,
    parsed.delivery,
    payloadHash,
    verification.matchedSecretId!,
    { headers: storedRequestHeaders(incoming.headers), body },
  );
  timer.mark("store");
  if (stored.duplicateOf)
    return json(
      200,
      { id: stored.id, status: "DUPLICATE", duplicateOf: stored.duplicateOf },
      { "server-timing": timer.header() },
    );

  // No write after the send: the function records delivery when it claims the event, and the
  // sweeper re-sends anything still QUEUED later under the same event id, which Inngest dedups.
  const itemKey = itemConcurrencyKey(connection.id, parsed.delivery.externalIds);
  const message = {
    id: stored.id,
    tenantId: connection.tenantId,
    connectionId: connection.id,
    webhookEventId: stored.id,
    itemKey,
  };
  const handOver = async () => {
    if (!(await sendWithTimeout(deps, message)))
      log(`[webhooks] event ${stored.id} stored but not yet handed to Inngest; the sweeper will send it`, {
        tenantId: connection.tenantId,
        eventId: stored.id,
      });
  };
  if (deps.defer) deps.defer(handOver);
  else await handOver();
  timer.mark("send");
  touchConnection(deps.prisma, connection.id, now);
  return json(
    200,
    { id: stored.id, status: "QUEUED" },
    { "server-timing": timer.header(), [STORED_DELIVERY_HEADER]: "1" },
  );
}

function plausiblePathPart(value: string): boolean {
  return value.length > 0 && value.length <= 200 && !value.includes("\u0000");
}

async function verify(deps: IngestDeps, connection: Connection, delivery: RawDelivery) {
  const provider = webhookProviders[connection.provider];
  const secrets: SigningSecret[] = await deps.secrets.forConnection(connection.tenantId, connection.id);
  let verification = secrets.length ? provider.verify(delivery, secrets) : { verdict: "UNKNOWN_KEY" as const };
  if (verification.verdict !== "VALID") {
    // A secret rotated in another process may not be in this process's cache yet; reloaded at
    // most every few seconds, so forgeries cannot make each request decrypt the secrets again.
    const fresh = await deps.secrets.refreshAfterFailure(connection.tenantId, connection.id);
    if (fresh?.length) verification = provider.verify(delivery, fresh);
  }
  return verification;
}

async function sendWithTimeout(deps: IngestDeps, message: WebhookEventMessage): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>(
    (resolve) => (timer = setTimeout(() => resolve(false), deps.sendTimeoutMs ?? 2_000)),
  );
  try {
    return await Promise.race([deps.sendEvent(message).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function logPreflight(
  prisma: PrismaClient,
  connection: Connection,
  receivedAt: Date,
  headers: Record<string, string>,
  payloadHash: string,
  preflight: { status: number; note: string },
) {
  return prisma.webhookEvent.create({
    data: {
      tenantId: connection.tenantId,
      connectionId: connection.id,
      provider: connection.provider,
      payloadHash,
      signatureVerdict: "NOT_REQUIRED",
      responseStatus: preflight.status,
      status: "SKIPPED",
      action: preflight.note,
      headers,
      receivedAt,
      completedAt: receivedAt,
    },
    select: { id: true },
  });
}

/**
 * Counts a refused request and keeps the first few of each kind per minute as REJECTED rows
 * (`record_webhook_rejection`, migration `webhook_rejection_counts_sec_ingest`): one round trip,
 * and a flood adds to one counter row instead of adding a row per request.
 */
async function recordRejection(
  prisma: PrismaClient,
  connection: Connection,
  receivedAt: Date,
  headers: Record<string, string>,
  rejection: Rejection,
): Promise<void> {
  await prisma.$queryRaw`
    SELECT "count" FROM "record_webhook_rejection"(
      ${randomUUID()}, ${connection.tenantId}, ${connection.id}, ${connection.provider}::"Provider", ${rejection.responseStatus}::int,
      ${rejection.verdict}::"SignatureVerdict", ${rejection.matchedSecretId ?? null}, ${rejection.fromKnownSource ?? false}, ${rejection.payloadHash}, ${rejection.error.slice(0, 1000)},
      ${JSON.stringify(headers)}::jsonb, ${receivedAt}::timestamp(3), ${REJECTION_SAMPLES_PER_MINUTE}::int, ${REJECTION_SAMPLES_KEPT}::int
    )`;
}

/**
 * Stores an authenticated delivery — its parsed payload for search, and its headers and body
 * bytes as sent for an exact replay — or recognises it as a duplicate: the same provider event
 * id within 72 hours, the same bytes within 5 seconds, or — for BODY_HASH_DEDUP_PROVIDERS — the
 * same signed bytes within 72 hours. One round trip to a database function (migration
 * `accept_webhook_body_dedup_sec_ingest`) that takes advisory locks on those keys, so the check
 * and the insert are one step and concurrent copies of a delivery can't both get in.
 */
async function storeAccepted(
  prisma: PrismaClient,
  connection: Connection,
  receivedAt: Date,
  headers: Record<string, string>,
  delivery: ParsedDelivery,
  payloadHash: string,
  matchedSecretId: string,
  asSent: { headers: Record<string, string>; body: Buffer },
): Promise<{ id: string; duplicateOf?: string }> {
  const payload = JSON.stringify({ changes: delivery.changes, body: delivery.payload });
  const [row] = await prisma.$queryRaw<{ id: string; duplicate_of: string | null }[]>`
    SELECT "id", "duplicate_of" FROM "accept_webhook_delivery"(
      ${randomUUID()}, ${connection.tenantId}, ${connection.id}, ${connection.provider}::"Provider", ${delivery.topic ?? null},
      ${delivery.deliveryId ?? null}, ${delivery.externalIds}::text[], ${payloadHash}, ${matchedSecretId}, ${JSON.stringify(headers)}::jsonb,
      ${delivery.sourceAt ?? null}::timestamp(3), ${receivedAt}::timestamp(3), ${payload}::jsonb,
      ${`${DELIVERY_ID_MEMORY_MS} milliseconds`}::interval, ${`${DUPLICATE_PAYLOAD_WINDOW_MS} milliseconds`}::interval,
      ${BODY_HASH_DEDUP_PROVIDERS.has(connection.provider) ? `${DELIVERY_ID_MEMORY_MS} milliseconds` : null}::interval,
      ${JSON.stringify(asSent.headers)}::jsonb, ${asSent.body}::bytea
    )`;
  return row!.duplicate_of ? { id: row!.id, duplicateOf: row!.duplicate_of } : { id: row!.id };
}

const lastPreflightLogged = new Map<string, number>();

/**
 * Handshakes and pings are unsigned, so anyone can send them: one row per connection and minute
 * per process is enough to show they arrive, and a flood of them cannot fill the event log.
 */
function preflightLoggedRecently(connectionId: string, at: Date): boolean {
  if (at.getTime() - (lastPreflightLogged.get(connectionId) ?? -Infinity) < 60_000) return true;
  if (lastPreflightLogged.size > 10_000) lastPreflightLogged.clear();
  lastPreflightLogged.set(connectionId, at.getTime());
  return false;
}

const lastTouched = new Map<string, number>();

/**
 * Keeps the connection's "last webhook" fresh without making every delivery write the same hot
 * row: at most one update per connection every 10 seconds, outside the delivery's transaction.
 */
function touchConnection(prisma: PrismaClient, connectionId: string, at: Date): void {
  // This process already wrote a fresh enough value: skip the statement (and its pool connection).
  if (at.getTime() - (lastTouched.get(connectionId) ?? -Infinity) < 10_000) return;
  lastTouched.set(connectionId, at.getTime());
  void prisma.connection
    .updateMany({
      where: {
        id: connectionId,
        OR: [{ lastWebhookAt: null }, { lastWebhookAt: { lt: new Date(at.getTime() - 10_000) } }],
      },
      data: { lastWebhookAt: at },
    })
    .catch(() => undefined);
}
