import { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import { pushMaxAttempts, pushRetryDelaysMs } from "@/server/pipeline/channel-push";
import type { TenantDb } from "@/server/tenancy/tenant-db";

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
export async function timelineWhere(db: TenantDb, filter: TimelineFilter): Promise<Prisma.WebhookEventWhereInput> {
  const where: Prisma.WebhookEventWhereInput = {
    connectionId: filter.connectionId,
    status: filter.status?.length ? { in: filter.status } : undefined,
    topic: filter.topic,
    signatureVerdict: filter.verdict,
    receivedAt: filter.from || filter.to ? { gte: filter.from, lte: filter.to } : undefined,
    ...(filter.undeliveredTo ? { id: { in: await undeliveredEventIds(db, filter.undeliveredTo) } } : {}),
  };
  if (!filter.search) return where;
  const term = filter.search;
  const items = await db.item.findMany({
    where: { sku: { equals: term, mode: "insensitive" } },
    select: { id: true },
    take: 20,
  });
  return {
    ...where,
    OR: [
      { id: term },
      { deliveryId: term },
      { externalIds: { has: term } },
      ...(items.length ? [{ itemId: { in: items.map((item) => item.id) } }] : []),
    ],
  };
}

const UNDELIVERED_LIMIT = 1_000;

/** Events whose push to the storefront failed at least once and has not succeeded since. */
async function undeliveredEventIds(db: TenantDb, connectionId: string): Promise<string[]> {
  const pushes = await db.channelPush.findMany({
    where: {
      connectionId,
      webhookEventId: { not: null },
      OR: [{ state: "FAILED" }, { state: "PENDING", error: { not: null } }],
    },
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
) {
  const rows = await db.webhookEvent.findMany({
    where: await timelineWhere(db, filter),
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: pageSize + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: timelineRowSelect,
  });
  const hasMore = rows.length > pageSize;
  const events = hasMore ? rows.slice(0, pageSize) : rows;
  const [skus, deliveries] = await Promise.all([
    skusOf(
      db,
      events.flatMap((event) => (event.itemId ? [event.itemId] : [])),
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
      sku: event.itemId ? (skus.get(event.itemId) ?? null) : null,
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

/** Everything the detail drawer shows about one event: the delivery, what it changed, where it went. */
export async function eventDetail(db: TenantDb, id: string) {
  const event = await db.webhookEvent.findFirst({
    where: { id },
    include: { connection: { select: { id: true, name: true, provider: true } } },
  });
  if (!event) return null;
  const [changes, pushes, secret, item, history] = await Promise.all([
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
  ]);
  return {
    ...event,
    // Only the headers each provider marks as worth logging were stored (never a secret).
    headers: (event.headers ?? {}) as Record<string, string>,
    // Rejected deliveries were never parsed; even if a payload were there it is not shown.
    payload: passedSignature(event.signatureVerdict) ? event.payload : null,
    matchedSecret: secret,
    item,
    changes,
    pushes,
    history,
    maxPushAttempts: pushMaxAttempts(pushRetryDelaysMs()),
    replayable: isReplayable(event),
  };
}

/** Deliveries that passed (or needed no) signature check: the only ones whose payload was kept. */
function passedSignature(verdict: string): boolean {
  return verdict === "VALID" || verdict === "NOT_REQUIRED";
}

export function isReplayable(event: { status: string; signatureVerdict: string }): boolean {
  return (event.status === "FAILED" || event.status === "SKIPPED") && passedSignature(event.signatureVerdict);
}
