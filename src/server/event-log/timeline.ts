import { z } from "zod";
import { Prisma, type PrismaClient } from "@/generated/prisma/client";
import { pushMaxAttempts, pushRetryDelaysMs } from "@/server/pipeline/channel-push";
import type { TenantDb } from "@/server/tenancy/tenant-db";
import { maskHeaders } from "@/shared/secret-headers";
import { shownRequest, storedRequestOf } from "./raw-request";

/**
 * The webhook event timeline: newest first, cursor-paged, filtered the way support work needs
 * (connection, status, topic, signature verdict, time range) and searchable by SKU, external id,
 * Stockhook event id or the platform's delivery id. Every query goes through the tenant client.
 */
export const WEBHOOK_STATUSES = [
  "RECEIVED",
  "QUEUED",
  "PROCESSING",
  "APPLIED",
  "SKIPPED",
  "DUPLICATE",
  "STALE",
  "FAILED",
  "REJECTED",
] as const;
export const SIGNATURE_VERDICTS = [
  "VALID",
  "INVALID",
  "MISSING",
  "EXPIRED_TIMESTAMP",
  "UNKNOWN_KEY",
  "NOT_CHECKED",
  "NOT_REQUIRED",
] as const;
export const TIMELINE_PAGE_SIZE = 50;

export const timelineFilterSchema = z
  .object({
    connectionId: z.string().min(1).max(64).optional(),
    status: z.array(z.enum(WEBHOOK_STATUSES)).max(WEBHOOK_STATUSES.length).optional(),
    topic: z.string().trim().min(1).max(100).optional(),
    verdict: z.enum(SIGNATURE_VERDICTS).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    search: z.string().trim().min(1).max(200).optional(),
    /** Deliveries whose push to this storefront has not succeeded (failing, retrying or given up). */
    undeliveredTo: z.string().min(1).max(64).optional(),
  })
  .refine((filter) => !filter.from || !filter.to || filter.from <= filter.to, {
    message: "The start of the time range must be before its end",
    path: ["from"],
  });

export type TimelineFilter = z.infer<typeof timelineFilterSchema>;

/** The Prisma filter for a timeline query; a search names items by SKU first, so it reads the items it can match. */
export async function timelineWhere(
  db: TenantDb,
  filter: TimelineFilter,
  prisma?: PrismaClient,
): Promise<Prisma.WebhookEventWhereInput> {
  const where: Prisma.WebhookEventWhereInput = {
    connectionId: filter.connectionId,
    status: filter.status?.length ? { in: filter.status } : undefined,
    topic: filter.topic,
    signatureVerdict: filter.verdict,
    receivedAt: filter.from || filter.to ? { gte: filter.from, lte: filter.to } : undefined,
    ...(filter.undeliveredTo ? { id: { in: await undeliveredEventIds(db, filter.undeliveredTo) } } : {}),
  };
  if (!filter.search) return where;
  const payloadMatch = parsePayloadSearch(filter.search);
  if (payloadMatch) {
    if (!prisma) throw new Error("A payload search needs the database client");
    return { ...where, AND: [{ id: { in: await payloadMatches(prisma, db.tenantId, payloadMatch) } }] };
  }
  return { ...where, OR: await textSearch(db, filter.search) };
}

/** Trigram indexes need three characters; a shorter term only finds exact (case-insensitive) values. */
const PARTIAL_MATCH_MIN_LENGTH = 3;
const SEARCH_ITEM_LIMIT = 50;

/**
 * A search term as the events it names: a part of a SKU, of an external id, of the event id or of
 * the platform's delivery id, in any case. Every arm is index-backed (pg_trgm GIN indexes on the SKU,
 * the linked external ids, the event and delivery ids; the GIN array index on the event's external ids).
 */
async function textSearch(db: TenantDb, term: string): Promise<Prisma.WebhookEventWhereInput[]> {
  const match: Prisma.StringFilter =
    term.length >= PARTIAL_MATCH_MIN_LENGTH
      ? { contains: term, mode: "insensitive" }
      : { equals: term, mode: "insensitive" };
  const items = await db.item.findMany({ where: { sku: match }, select: { id: true }, take: SEARCH_ITEM_LIMIT });
  // The platform ids of the matched items too: a delivery names its product before (or without) an item match.
  const links = await db.itemLink.findMany({
    where: { OR: [{ externalId: match }, ...(items.length ? [{ itemId: { in: items.map((item) => item.id) } }] : [])] },
    select: { itemId: true, externalId: true },
    take: SEARCH_ITEM_LIMIT * 4,
  });
  const itemIds = [...new Set([...items.map((item) => item.id), ...links.map((link) => link.itemId)])];
  // An event carries the platform's ids even when no item matched it (an unknown product).
  const externalIds = [
    ...new Set([term, term.toLowerCase(), term.toUpperCase(), ...links.map((link) => link.externalId)]),
  ];
  return [
    { id: match },
    { deliveryId: match },
    { externalIds: { hasSome: externalIds } },
    ...(itemIds.length ? [{ itemId: { in: itemIds } }] : []),
  ];
}

const PAYLOAD_PATH = /^([A-Za-z_$][\w$-]*(?:\[\])?(?:\.[A-Za-z_$][\w$-]*(?:\[\])?)*)\s*=\s*(.+)$/;

const PAYLOAD_MATCH_LIMIT = 1_000;

/**
 * Events whose stored payload contains one of the documents, newest first. Raw SQL because
 * Prisma's JSON filters have no root containment (`@>`), the operator the jsonb_path_ops index serves.
 */
async function payloadMatches(prisma: PrismaClient, tenantId: string, documents: Prisma.InputJsonObject[]) {
  const contains = documents.map((document) => Prisma.sql`"payload" @> ${JSON.stringify(document)}::jsonb`);
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "WebhookEvent"
    WHERE "tenantId" = ${tenantId} AND (${Prisma.join(contains, " OR ")})
    ORDER BY "receivedAt" DESC LIMIT ${PAYLOAD_MATCH_LIMIT}`;
  return rows.map((row) => row.id);
}

/**
 * `data.sku = ART-0007` as the JSON documents that contain it, rooted at the body the platform
 * sent (`payload.body`): `payload @> '{"body":{"data":{"sku":"ART-0007"}}}'`, which the
 * jsonb_path_ops GIN index answers. `lines[].sku = X` looks inside an array. A value that reads
 * as a number or boolean matches that too (`qty = 3` finds 3 and "3"). Null when it is not a path search.
 */
export function parsePayloadSearch(search: string): Prisma.InputJsonObject[] | null {
  const parsed = PAYLOAD_PATH.exec(search.trim());
  if (!parsed) return null;
  const [, path, rawValue] = parsed;
  const text = rawValue!.trim().replace(/^(["'])(.*)\1$/, "$2");
  const values: Prisma.InputJsonValue[] = [text];
  if (/^-?\d+(\.\d+)?$/.test(text)) values.push(Number(text));
  if (text === "true" || text === "false") values.push(text === "true");
  const keys = path!.split(".");
  return values.map((value) => ({
    body: keys.reduceRight<Prisma.InputJsonValue>(
      (inner, key) => (key.endsWith("[]") ? { [key.slice(0, -2)]: [inner] } : { [key]: inner }),
      value,
    ),
  }));
}

const UNDELIVERED_LIMIT = 1_000;

/**
 * Events whose push to the storefront has not landed: failed for good, retrying, or still waiting
 * for its first attempt. The last matters during an outage: a push parked behind another push of
 * the same item (a reconcile's, say) has no error of its own yet, and the banner that links here
 * names its SKU all the same.
 */
async function undeliveredEventIds(db: TenantDb, connectionId: string): Promise<string[]> {
  const pushes = await db.channelPush.findMany({
    where: { connectionId, webhookEventId: { not: null }, state: { in: ["FAILED", "PENDING"] } },
    orderBy: { createdAt: "desc" },
    take: UNDELIVERED_LIMIT,
    select: { webhookEventId: true },
  });
  return [...new Set(pushes.map((push) => push.webhookEventId!))];
}

export const deliverySelect = {
  id: true,
  webhookEventId: true,
  state: true,
  attempts: true,
  runAttempt: true,
  nextAttemptAt: true,
  lastAttemptAt: true,
  error: true,
  pushedAt: true,
  quantity: true,
  status: true,
  itemId: true,
  connection: { select: { id: true, name: true, provider: true } },
} as const satisfies Prisma.ChannelPushSelect;

export const timelineRowSelect = {
  id: true,
  receivedAt: true,
  provider: true,
  topic: true,
  status: true,
  signatureVerdict: true,
  responseStatus: true,
  externalIds: true,
  attempts: true,
  action: true,
  error: true,
  itemId: true,
  connection: { select: { id: true, name: true } },
} as const satisfies Prisma.WebhookEventSelect;

export async function listTimeline(
  db: TenantDb,
  filter: TimelineFilter,
  cursor?: string | null,
  pageSize = TIMELINE_PAGE_SIZE,
  prisma?: PrismaClient,
) {
  const rows = await db.webhookEvent.findMany({
    where: await timelineWhere(db, filter, prisma),
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: pageSize + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: timelineRowSelect,
  });
  const hasMore = rows.length > pageSize;
  const events = hasMore ? rows.slice(0, pageSize) : rows;
  const [skus, linkedSkus, deliveries] = await Promise.all([
    skusOf(
      db,
      events.flatMap((event) => (event.itemId ? [event.itemId] : [])),
    ),
    linkedSkusOf(
      db,
      events.filter((event) => !event.itemId),
    ),
    events.length
      ? db.channelPush.findMany({
          where: { webhookEventId: { in: events.map((event) => event.id) } },
          orderBy: { createdAt: "asc" },
          select: deliverySelect,
        })
      : [],
  ]);
  return {
    events: events.map((event) => ({
      ...event,
      sku: event.itemId
        ? (skus.get(event.itemId) ?? null)
        : (event.externalIds
            .map((externalId) => linkedSkus.get(linkKey(event.connection.id, externalId)))
            .find(Boolean) ?? null),
      deliveries: deliveries.filter((push) => push.webhookEventId === event.id),
    })),
    nextCursor: hasMore ? events.at(-1)!.id : null,
    maxPushAttempts: pushMaxAttempts(pushRetryDelaysMs()),
  };
}

async function skusOf(db: TenantDb, itemIds: string[]): Promise<Map<string, string>> {
  if (!itemIds.length) return new Map();
  const items = await db.item.findMany({
    where: { id: { in: [...new Set(itemIds)] } },
    select: { id: true, sku: true },
  });
  return new Map(items.map((item) => [item.id, item.sku]));
}

const linkKey = (connectionId: string, externalId: string) => `${connectionId}\u0000${externalId}`;

/** The SKUs of the products unmatched events name (a skipped or failed delivery has no item yet). */
async function linkedSkusOf(
  db: TenantDb,
  events: { connection: { id: string }; externalIds: string[] }[],
): Promise<Map<string, string>> {
  const externalIds = [...new Set(events.flatMap((event) => event.externalIds))];
  if (!externalIds.length) return new Map();
  const links = await db.itemLink.findMany({
    where: {
      connectionId: { in: [...new Set(events.map((event) => event.connection.id))] },
      externalId: { in: externalIds },
    },
    select: { connectionId: true, externalId: true, item: { select: { sku: true } } },
  });
  return new Map(links.map((link) => [linkKey(link.connectionId, link.externalId), link.item.sku]));
}

/** Everything the detail drawer shows about one event: the delivery, what it changed, where it went. */
export async function eventDetail(db: TenantDb, id: string) {
  // The parsed payload (up to 1 MiB of jsonb) is read only for events without the bytes as sent.
  const row = await db.webhookEvent.findFirst({
    where: { id },
    omit: { payload: true },
    include: { connection: { select: { id: true, name: true, provider: true } } },
  });
  if (!row) return null;
  // The stored request never leaves as it is: what the drawer shows of it is derived below
  // (secrets masked); the exact request is `replayCommand`'s.
  const { requestHeaders, rawBody, headers, ...event } = row;
  const accepted = passedSignature(event.signatureVerdict);
  const [changes, pushes, secret, item, history, older] = await Promise.all([
    db.stockChange.findMany({
      where: { webhookEventId: id },
      orderBy: { createdAt: "asc" },
      include: { item: { select: { sku: true, title: true } } },
    }),
    db.channelPush.findMany({
      where: { webhookEventId: id },
      orderBy: { createdAt: "asc" },
      include: { connection: { select: { name: true, provider: true } } },
    }),
    event.matchedSecretId
      ? db.secret.findFirst({ where: { id: event.matchedSecretId }, select: { label: true, last4: true, keyId: true } })
      : null,
    event.itemId
      ? db.item.findFirst({
          where: { id: event.itemId },
          select: { id: true, sku: true, title: true, status: true, quantity: true },
        })
      : null,
    db.pipelineAttempt.findMany({
      where: { webhookEventId: id },
      orderBy: [{ startedAt: "asc" }, { finishedAt: "asc" }],
      take: 500,
    }),
    accepted && !rawBody ? db.webhookEvent.findFirst({ where: { id }, select: { payload: true } }) : null,
  ]);
  const stored = accepted ? storedRequestOf({ requestHeaders, rawBody }) : null;
  const shown = stored ? shownRequest(event.provider, stored) : null;
  return {
    ...event,
    /** Every header as sent (secret-bearing ones masked); before raw requests were kept, the few each provider logs. */
    headers: shown?.headers ?? maskHeaders((headers ?? {}) as Record<string, string>),
    /** The request as the platform sent it, shown masked; null for events stored before it was kept. */
    request: shown,
    /**
     * The body the platform sent as Stockhook parsed it (without the changes it read from it),
     * for events stored before the exact bytes were kept. Rejected deliveries never kept one.
     */
    body: !shown && older ? platformBody(older.payload) : null,
    matchedSecret: secret,
    item,
    changes,
    pushes,
    history,
    nextRetryAt: nextRetryOf(pushes),
    maxPushAttempts: pushMaxAttempts(pushRetryDelaysMs()),
    replayable: isReplayable(event),
  };
}

/** When the next storefront push that failed and will be tried again is due (null when none is). */
function nextRetryOf(pushes: { state: string; error: string | null; nextAttemptAt: Date | null }[]): Date | null {
  const due = pushes
    .filter((push) => push.state === "PENDING" && push.error !== null && push.nextAttemptAt)
    .map((push) => push.nextAttemptAt!.getTime());
  return due.length ? new Date(Math.min(...due)) : null;
}

function platformBody(payload: Prisma.JsonValue | null): Prisma.JsonValue | null {
  if (payload && typeof payload === "object" && !Array.isArray(payload) && "body" in payload)
    return payload.body ?? null;
  return payload;
}

/** Deliveries that passed (or needed no) signature check: the only ones whose payload was kept. */
function passedSignature(verdict: string): boolean {
  return verdict === "VALID" || verdict === "NOT_REQUIRED";
}

export function isReplayable(event: { status: string; signatureVerdict: string }): boolean {
  return (event.status === "FAILED" || event.status === "SKIPPED") && passedSignature(event.signatureVerdict);
}
