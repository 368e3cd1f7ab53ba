import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient, SignatureVerdict, WebhookStatus } from "@/generated/prisma/client";
import type { ConnectionDirectory, WebhookConnection } from "./connection-directory";
import { webhookProviders } from "./providers";
import type { ParsedDelivery, RawDelivery, SigningSecret } from "./providers/types";
import type { RateLimiter } from "./rate-limiter";
import type { SigningSecretCache } from "./signing-secrets";
import { itemConcurrencyKey } from "@/server/pipeline/item-key";

/**
 * The front door: one delivery in, one answer out, and a row in the event log for everything
 * that reached a known connection. Written against plain types so it runs without Next.js.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
export const DUPLICATE_PAYLOAD_WINDOW_MS = 5_000;
export const DELIVERY_ID_MEMORY_MS = 72 * 60 * 60 * 1000;

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
  rateLimiter: RateLimiter;
  /** Hands the event to the durable pipeline; may throw when Inngest is unreachable. */
  sendEvent: (message: WebhookEventMessage) => Promise<void>;
  sendTimeoutMs?: number;
  /**
   * Runs the hand-over after the answer has gone out (Next.js `after`), so the platform's wait
   * ends with the durable store. Without it the hand-over is awaited before answering.
   */
  defer?: (task: () => Promise<void>) => void;
  now?: () => Date;
  log?: (line: string) => void;
}

export interface IncomingDelivery {
  tenantSlug: string;
  connectionId: string;
  headers: Headers;
  query: URLSearchParams;
  /** Declared size, checked before the body is read. */
  contentLength: number | null;
  readBody: (limit: number) => Promise<Buffer | "too_large">;
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

interface LogEntry {
  status: WebhookStatus;
  responseStatus: number;
  verdict: SignatureVerdict;
  payloadHash: string;
  matchedSecretId?: string;
  error?: string;
  action?: string;
  topic?: string;
}

function sha256(body: Buffer): string {
  return createHash("sha256").update(body).digest("hex");
}

function loggedHeaders(headers: Headers, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((name) => (headers.has(name) ? [[name, headers.get(name)!.slice(0, 300)]] : [])));
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

export async function ingestWebhook(deps: IngestDeps, incoming: IncomingDelivery): Promise<IngestAnswer> {
  const timer = phaseTimer();
  const now = deps.now?.() ?? new Date();
  const log = deps.log ?? ((line: string) => console.log(line));
  // PostgreSQL refuses NUL in text, so such a path could only fail as a database error (503 and
  // retried forever); it can name no tenant, so it gets the unknown connection's answer.
  if (!plausiblePathPart(incoming.tenantSlug) || !plausiblePathPart(incoming.connectionId)) {
    log(`[webhooks] 404 for an implausible path (${JSON.stringify(incoming.tenantSlug.slice(0, 60))}/${JSON.stringify(incoming.connectionId.slice(0, 60))})`);
    return json(404, { error: "Not found" });
  }
  const connection = await deps.connections.find(incoming.tenantSlug, incoming.connectionId);
  if (!connection) {
    log(`[webhooks] 404 for /${incoming.tenantSlug.slice(0, 60)}/${incoming.connectionId.slice(0, 60)}: no such enabled connection`);
    return json(404, { error: "Not found" });
  }
  timer.mark("lookup");
  const provider = webhookProviders[connection.provider];
  const headersToLog = loggedHeaders(incoming.headers, provider.loggedHeaders);
  const reject = (entry: Omit<LogEntry, "status">, answer: IngestAnswer) =>
    logEvent(deps.prisma, connection, now, headersToLog, { ...entry, status: "REJECTED" }).then(() => answer);

  const emptyHash = sha256(Buffer.alloc(0));
  if (incoming.contentLength !== null && incoming.contentLength > MAX_BODY_BYTES) {
    const error = `body of ${incoming.contentLength} bytes is over the 1 MiB limit`;
    return reject({ responseStatus: 413, verdict: "NOT_CHECKED", payloadHash: emptyHash, error }, json(413, { error }));
  }
  const limit = deps.rateLimiter.take(connection.id);
  if (!limit.allowed) {
    const error = "rate limit exceeded for this connection";
    return reject(
      { responseStatus: 429, verdict: "NOT_CHECKED", payloadHash: emptyHash, error },
      json(429, { error }, { "retry-after": String(limit.retryAfterSeconds) }),
    );
  }

  const body = await incoming.readBody(MAX_BODY_BYTES);
  if (body === "too_large") {
    const error = "body is over the 1 MiB limit";
    return reject({ responseStatus: 413, verdict: "NOT_CHECKED", payloadHash: emptyHash, error }, json(413, { error }));
  }
  const payloadHash = sha256(body);
  const delivery: RawDelivery = { headers: incoming.headers, body, query: incoming.query, receivedAt: now };

  const preflight = (await provider.preflight?.(delivery, { connection, prisma: deps.prisma, now })) ?? { kind: "continue" as const };
  if (preflight.kind === "respond") {
    await logEvent(deps.prisma, connection, now, headersToLog, {
      status: "SKIPPED",
      responseStatus: preflight.status,
      verdict: "NOT_REQUIRED",
      payloadHash,
      action: preflight.note,
    });
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
    return reject({ responseStatus: 401, verdict: verification.verdict, payloadHash, error: `signature ${verification.verdict.toLowerCase().replaceAll("_", " ")}` }, json(401, { error: "Invalid signature" }));
  }
  deps.secrets.touch(verification.matchedSecretId!);

  const parsed = provider.parse(delivery);
  if (!parsed.ok) {
    return reject(
      { responseStatus: 400, verdict: "VALID", matchedSecretId: verification.matchedSecretId, payloadHash, error: parsed.reason },
      json(400, { error: parsed.reason }),
    );
  }

  const stored = await storeAccepted(deps.prisma, connection, now, headersToLog, parsed.delivery, payloadHash, verification.matchedSecretId!);
  timer.mark("store");
  if (stored.duplicateOf) return json(200, { id: stored.id, status: "DUPLICATE", duplicateOf: stored.duplicateOf }, { "server-timing": timer.header() });

  // No write after the send: the function records delivery when it claims the event, and the
  // sweeper re-sends anything still QUEUED later under the same event id, which Inngest dedups.
  const itemKey = itemConcurrencyKey(connection.id, parsed.delivery.externalIds);
  const message = { id: stored.id, tenantId: connection.tenantId, connectionId: connection.id, webhookEventId: stored.id, itemKey };
  const handOver = async () => {
    if (!(await sendWithTimeout(deps, message))) log(`[webhooks] event ${stored.id} stored but not yet handed to Inngest; the sweeper will send it`);
  };
  if (deps.defer) deps.defer(handOver);
  else await handOver();
  timer.mark("send");
  touchConnection(deps.prisma, connection.id, now);
  return json(200, { id: stored.id, status: "QUEUED" }, { "server-timing": timer.header() });
}

function plausiblePathPart(value: string): boolean {
  return value.length > 0 && value.length <= 200 && !value.includes("\u0000");
}

async function verify(deps: IngestDeps, connection: Connection, delivery: RawDelivery) {
  const provider = webhookProviders[connection.provider];
  let secrets: SigningSecret[] = await deps.secrets.forConnection(connection.tenantId, connection.id);
  let verification = secrets.length ? provider.verify(delivery, secrets) : { verdict: "UNKNOWN_KEY" as const };
  if (verification.verdict !== "VALID") {
    // A secret rotated in another process may not be in this process's cache yet.
    deps.secrets.invalidate(connection.id);
    secrets = await deps.secrets.forConnection(connection.tenantId, connection.id);
    if (secrets.length) verification = provider.verify(delivery, secrets);
  }
  return verification;
}

async function sendWithTimeout(deps: IngestDeps, message: WebhookEventMessage): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deps.sendTimeoutMs ?? 2_000)));
  try {
    return await Promise.race([deps.sendEvent(message).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function logEvent(prisma: PrismaClient, connection: Connection, receivedAt: Date, headers: Record<string, string>, entry: LogEntry) {
  return prisma.webhookEvent.create({
    data: {
      tenantId: connection.tenantId,
      connectionId: connection.id,
      provider: connection.provider,
      topic: entry.topic,
      payloadHash: entry.payloadHash,
      signatureVerdict: entry.verdict,
      matchedSecretId: entry.matchedSecretId,
      responseStatus: entry.responseStatus,
      status: entry.status,
      error: entry.error,
      action: entry.action,
      headers,
      receivedAt,
      completedAt: receivedAt,
    },
    select: { id: true },
  });
}

/**
 * Stores an authenticated delivery, or recognises it as a duplicate: the same provider event
 * id within 72 hours, or the same bytes within 5 seconds. One round trip to a database function
 * (migration `accept_webhook_function`) that takes advisory locks on those keys, so the check and
 * the insert are one step and concurrent copies of a delivery can't both get in.
 */
async function storeAccepted(
  prisma: PrismaClient,
  connection: Connection,
  receivedAt: Date,
  headers: Record<string, string>,
  delivery: ParsedDelivery,
  payloadHash: string,
  matchedSecretId: string,
): Promise<{ id: string; duplicateOf?: string }> {
  const payload = JSON.stringify({ changes: delivery.changes, body: delivery.payload });
  const [row] = await prisma.$queryRaw<{ id: string; duplicate_of: string | null }[]>`
    SELECT "id", "duplicate_of" FROM "accept_webhook_delivery"(
      ${randomUUID()}, ${connection.tenantId}, ${connection.id}, ${connection.provider}::"Provider", ${delivery.topic ?? null},
      ${delivery.deliveryId ?? null}, ${delivery.externalIds}::text[], ${payloadHash}, ${matchedSecretId}, ${JSON.stringify(headers)}::jsonb,
      ${delivery.sourceAt ?? null}::timestamp(3), ${receivedAt}::timestamp(3), ${payload}::jsonb,
      ${`${DELIVERY_ID_MEMORY_MS} milliseconds`}::interval, ${`${DUPLICATE_PAYLOAD_WINDOW_MS} milliseconds`}::interval
    )`;
  return row!.duplicate_of ? { id: row!.id, duplicateOf: row!.duplicate_of } : { id: row!.id };
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
    .updateMany({ where: { id: connectionId, OR: [{ lastWebhookAt: null }, { lastWebhookAt: { lt: new Date(at.getTime() - 10_000) } }] }, data: { lastWebhookAt: at } })
    .catch(() => undefined);
}
