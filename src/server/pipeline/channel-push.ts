import type { ItemStatus, PrismaClient } from "@/generated/prisma/client";
import { env } from "@/env";
import {
  AuthError,
  channelQuantity,
  isChannelConnector,
  NotFoundError,
  RateLimitedError,
  RequestRejectedError,
  UnavailableError,
  type ChannelConnector,
  type SourceConnector,
} from "@/server/connectors";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { PAUSED_PHRASE } from "@/server/event-log/push-progress";
import { observePush } from "@/server/metrics/observe";
import { clipText } from "@/shared/clip-text";
import { recordAttempt, type AttemptRecord } from "./attempts";
import { newLeaseHolder, PUSH_LEASE_WAIT_MS, releasePushLeases, takePushLeases } from "./push-lease";

/** Why a push waits a moment without an attempt: the same item is being pushed to the same storefront. */
export const LEASE_BUSY_PHRASE = "another update of this item is being sent; this one follows it";

/**
 * Pushing an item's canonical stock to a storefront. Each (item, channel) push is its own unit of
 * work with its own attempts, so a storefront that fails or rate-limits delays only its own
 * pushes. A push always sends the item's state at push time (never the state some older event
 * computed), so a late retry cannot regress a channel. Consecutive failures open a per-connection
 * circuit breaker: while it is open the platform is not called and the channel's pushes are
 * parked until it closes (a parked turn does not use up an attempt).
 */
export const CIRCUIT_FAILURE_THRESHOLD = 5;
/** How long a breaker stays open (STOCKHOOK_CIRCUIT_OPEN_MS). */
const circuitOpenMs = () => env().STOCKHOOK_CIRCUIT_OPEN_MS;

/**
 * Waits after a failed attempt: 10 s, 30 s, 1 min, 2 min, 5 min, 10 min — seven attempts over
 * about 19 minutes, then the push fails for good and its event becomes replayable.
 * STOCKHOOK_PUSH_RETRY_DELAYS (seconds, comma separated) replaces it, for tests.
 */
export const DEFAULT_PUSH_RETRY_DELAYS_SECONDS = [10, 30, 60, 120, 300, 600];
/** A push parked behind an open breaker this many times in one run fails for good. */
export const MAX_PARKED_TURNS = 100;

export function pushRetryDelaysMs(source: { STOCKHOOK_PUSH_RETRY_DELAYS?: string } = env()): number[] {
  const configured = source.STOCKHOOK_PUSH_RETRY_DELAYS?.trim();
  const seconds = configured
    ? configured.split(",").map((part) => Number(part.trim()))
    : DEFAULT_PUSH_RETRY_DELAYS_SECONDS;
  return seconds.map((value) => value * 1000);
}

/**
 * Why a storefront's pushes wait while its breaker is open, and until when: spread over a quarter
 * of the breaker window, so its parked pushes (single or bulk) do not all wake at once.
 */
export function breakerParking(connectionName: string, circuitOpenUntil: Date): { error: string; until: Date } {
  return {
    error: `${connectionName} ${PAUSED_PHRASE}; its updates wait until ${circuitOpenUntil.toISOString()}`,
    until: new Date(circuitOpenUntil.getTime() + Math.floor(Math.random() * circuitOpenMs() * 0.25)),
  };
}

/** Attempts one push gets in one run: the first and one per retry delay. */
export const pushMaxAttempts = (delaysMs: number[]) => delaysMs.length + 1;

export interface PushTarget {
  connectionId: string;
  externalId: string;
}

/** The item's links to active channel connections. */
export async function channelTargets(prisma: PrismaClient, tenantId: string, itemId: string): Promise<PushTarget[]> {
  const links = await scopeToTenant(prisma, tenantId).itemLink.findMany({
    where: { itemId, connection: { direction: "CHANNEL", status: "ACTIVE" } },
    select: { connectionId: true, externalId: true },
    orderBy: { connectionId: "asc" },
  });
  return links;
}

/** What caused a push: a webhook delivery or a reconcile. */
export interface PushCause {
  webhookEventId?: string;
  syncRunId?: string;
}

export interface PushJob extends PushTarget {
  pushId: string;
  itemId: string;
}

/**
 * One PENDING push row per (item, channel), written before any platform is called so every
 * channel has its line from the start. A replay resets its event's unfinished rows for a new run;
 * the attempts recorded so far stay.
 */
/**
 * How long past its due time a pending push's run may stay silent before it counts as lost (a
 * dev-server restart loses runs): until then a replay leaves the push to the run that owns it,
 * so one storefront is never pushed by two runs at once.
 */
const LIVE_RUN_GRACE_MS = 5 * 60_000;

function ownedByLiveRun(
  push: {
    state: string;
    inngestRunId: string | null;
    nextAttemptAt: Date | null;
    lastAttemptAt: Date | null;
    createdAt: Date;
  },
  now: Date,
): boolean {
  if (push.state !== "PENDING" || !push.inngestRunId) return false;
  const due = push.nextAttemptAt ?? push.lastAttemptAt ?? push.createdAt;
  return due.getTime() > now.getTime() - LIVE_RUN_GRACE_MS;
}

export async function preparePushes(
  prisma: PrismaClient,
  tenantId: string,
  cause: PushCause,
  itemIds: string[],
  onlyConnectionId?: string,
  now = new Date(),
): Promise<PushJob[]> {
  const db = scopeToTenant(prisma, tenantId);
  const jobs: PushJob[] = [];
  for (const itemId of itemIds) {
    const [targets, item] = await Promise.all([
      channelTargets(prisma, tenantId, itemId),
      db.item.findFirst({ where: { id: itemId }, select: { quantity: true, status: true } }),
    ]);
    if (!item) continue;
    for (const target of targets) {
      if (onlyConnectionId && target.connectionId !== onlyConnectionId) continue;
      const existing = await db.channelPush.findFirst({
        where: {
          connectionId: target.connectionId,
          itemId,
          webhookEventId: cause.webhookEventId ?? null,
          syncRunId: cause.syncRunId ?? null,
        },
        select: {
          id: true,
          state: true,
          inngestRunId: true,
          nextAttemptAt: true,
          lastAttemptAt: true,
          createdAt: true,
        },
      });
      if (existing?.state === "SUCCEEDED" || (existing && ownedByLiveRun(existing, now))) continue;
      const push = existing
        ? await db.channelPush.update({
            where: { id: existing.id },
            data: { state: "PENDING", runAttempt: 0, nextAttemptAt: null, inngestRunId: null },
            select: { id: true },
          })
        : await db.channelPush.create({
            data: {
              tenantId,
              connectionId: target.connectionId,
              itemId,
              webhookEventId: cause.webhookEventId,
              syncRunId: cause.syncRunId,
              quantity: item.quantity,
              status: item.status,
            },
            select: { id: true },
          });
      jobs.push({ pushId: push.id, itemId, ...target });
    }
  }
  return jobs;
}

export interface PushRequest extends PushTarget, PushCause {
  tenantId: string;
  itemId: string;
  /** The row preparePushes wrote; reconcile pushes without one find or create theirs. */
  pushId?: string;
}

export interface AttemptContext {
  /** This attempt's number in the run (1-based); a parked turn keeps the number. */
  number: number;
  delaysMs: number[];
  inngestRunId?: string;
  replay?: boolean;
  /**
   * The fast path's own attempt, cut short by its timeout (INLINE_PUSH_POLICY): a storefront that
   * did not answer in that time is retried at once with the full timeout, and the cut does not
   * count against its breaker (a slow storefront is not a failing one).
   */
  inline?: boolean;
}

export type PushAttemptResult =
  | { kind: "succeeded"; pushId: string; quantity: number; status: ItemStatus; pushedAt: string }
  | { kind: "failed"; pushId: string; error: string; retryAt: string | null }
  /** busy: another push of the item to this storefront holds its lease (a wait that is not counted). */
  | { kind: "parked"; pushId: string; until: string; error: string; busy?: boolean };

export type ConnectorLookup = (tenantId: string, connectionId: string) => Promise<SourceConnector | ChannelConnector>;

/**
 * A failure in words a shop owner understands; the platform's own message follows it.
 */
export function plainPushError(channelName: string, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  let summary: string;
  if (error instanceof RateLimitedError)
    summary = `${channelName} is rate limiting Stockhook (HTTP 429) and asked it to wait ${Math.ceil(error.retryAfterMs / 1000)} s`;
  else if (error instanceof UnavailableError) {
    summary =
      error.kind === "timeout"
        ? `${channelName} did not answer in time`
        : error.kind === "server_error"
          ? `${channelName} is down or failing (HTTP ${error.status ?? "5xx"})`
          : `${channelName} could not be reached`;
  } else if (error instanceof AuthError) summary = `${channelName} refused Stockhook's API credentials`;
  else if (error instanceof NotFoundError) summary = `${channelName} no longer has this product`;
  else if (error instanceof RequestRejectedError) summary = `${channelName} rejected the update`;
  else summary = `The update to ${channelName} failed`;
  return clipText(`${summary}: ${detail}`, 500);
}

/** Finds the push row for a request that came without one (reconcile pushes). */
async function pushRowFor(prisma: PrismaClient, request: PushRequest): Promise<string> {
  if (request.pushId) return request.pushId;
  const [job] = await preparePushes(
    prisma,
    request.tenantId,
    { webhookEventId: request.webhookEventId, syncRunId: request.syncRunId },
    [request.itemId],
    request.connectionId,
  );
  if (job) return job.pushId;
  // Already delivered, or the link changed since the push was requested: the request still gets its row.
  const db = scopeToTenant(prisma, request.tenantId);
  const where = {
    connectionId: request.connectionId,
    itemId: request.itemId,
    webhookEventId: request.webhookEventId ?? null,
    syncRunId: request.syncRunId ?? null,
  };
  const existing = await db.channelPush.findFirst({ where, select: { id: true } });
  if (existing) return existing.id;
  const item = await db.item.findFirstOrThrow({
    where: { id: request.itemId },
    select: { quantity: true, status: true },
  });
  const created = await db.channelPush.create({
    data: { tenantId: request.tenantId, ...where, quantity: item.quantity, status: item.status },
    select: { id: true },
  });
  return created.id;
}

/**
 * One attempt at one push: parked (no platform call) while the channel's breaker is open,
 * otherwise one call to the platform. Every outcome is written to the push row and as an
 * attempt row; a failure says when the next attempt is due, or null when none is left.
 */
export async function attemptPush(
  prisma: PrismaClient,
  connectorFor: ConnectorLookup,
  request: PushRequest,
  context: AttemptContext,
  now = new Date(),
): Promise<PushAttemptResult> {
  const db = scopeToTenant(prisma, request.tenantId);
  const pushId = await pushRowFor(prisma, request);
  const existing = await db.channelPush.findFirstOrThrow({
    where: { id: pushId },
    select: { state: true, quantity: true, status: true, pushedAt: true },
  });
  if (existing.state === "SUCCEEDED") return storedDelivery(pushId, existing, now);
  const connection = await db.connection.findFirstOrThrow({
    where: { id: request.connectionId },
    select: { name: true, provider: true, circuitOpenUntil: true },
  });
  const attempt: Omit<AttemptRecord, "outcome"> = {
    tenantId: request.tenantId,
    kind: "PUSH" as const,
    channelPushId: pushId,
    webhookEventId: request.webhookEventId,
    connectionId: request.connectionId,
    itemId: request.itemId,
    number: context.number,
    replay: context.replay ?? false,
    inngestRunId: context.inngestRunId,
    startedAt: now,
  };

  if (connection.circuitOpenUntil && connection.circuitOpenUntil > now) {
    const { error, until } = breakerParking(connection.name, connection.circuitOpenUntil);
    await db.channelPush.update({
      where: { id: pushId },
      data: { nextAttemptAt: until, error, inngestRunId: context.inngestRunId },
    });
    await recordAttempt(prisma, { ...attempt, outcome: "PARKED", error });
    return { kind: "parked", pushId, until: until.toISOString(), error };
  }

  const holder = newLeaseHolder();
  const [lease] = await takePushLeases(prisma, request.tenantId, request.connectionId, [request.itemId], holder, now);
  if (!lease && (await db.itemLink.count({ where: { connectionId: request.connectionId, itemId: request.itemId } }))) {
    // Another push of this item to this storefront is calling it: wait for it, without using up an attempt.
    const until = new Date(now.getTime() + PUSH_LEASE_WAIT_MS);
    return {
      kind: "parked",
      pushId,
      until: until.toISOString(),
      error: `${connection.name}: ${LEASE_BUSY_PHRASE}`,
      busy: true,
    };
  }
  try {
    return await callChannel(prisma, connectorFor, request, context, pushId, connection, attempt);
  } finally {
    if (lease) await releasePushLeases(prisma, request.tenantId, request.connectionId, holder);
  }
}

/**
 * A push another attempt already delivered, reported as it was stored: its `product.synced` id
 * (push and time) is the one that attempt sent, so it is not sent twice.
 */
function storedDelivery(
  pushId: string,
  row: { quantity: number; status: ItemStatus; pushedAt: Date | null },
  now: Date,
): PushAttemptResult {
  return {
    kind: "succeeded",
    pushId,
    quantity: row.quantity,
    status: row.status,
    pushedAt: (row.pushedAt ?? now).toISOString(),
  };
}

async function callChannel(
  prisma: PrismaClient,
  connectorFor: ConnectorLookup,
  request: PushRequest,
  context: AttemptContext,
  pushId: string,
  connection: { name: string; provider: string },
  attempt: Omit<AttemptRecord, "outcome">,
): Promise<PushAttemptResult> {
  const db = scopeToTenant(prisma, request.tenantId);
  const now = attempt.startedAt;
  const item = await db.item.findFirstOrThrow({
    where: { id: request.itemId },
    select: { quantity: true, status: true },
  });
  // Not SUCCEEDED is checked again here, under the lease: another attempt at this push (a sweeper's
  // re-send, a second run) may have delivered it between this attempt's first read and its lease.
  const started = await db.channelPush.updateMany({
    where: { id: pushId, state: { not: "SUCCEEDED" } },
    data: {
      attempts: { increment: 1 },
      runAttempt: context.number,
      lastAttemptAt: now,
      nextAttemptAt: null,
      quantity: item.quantity,
      status: item.status,
      inngestRunId: context.inngestRunId,
    },
  });
  if (started.count === 0) {
    const delivered = await db.channelPush.findFirstOrThrow({
      where: { id: pushId },
      select: { quantity: true, status: true, pushedAt: true },
    });
    return storedDelivery(pushId, delivered, now);
  }
  const detail = `qty ${item.quantity}, ${item.status}`;
  // What the channel showed when Stockhook last saw it: Shopify's compare-and-set quotes it.
  const link =
    connection.provider === "SHOPIFY"
      ? await db.itemLink.findFirst({
          where: { connectionId: request.connectionId, itemId: request.itemId },
          select: { id: true, channelQuantity: true },
        })
      : null;
  try {
    const connector = await connectorFor(request.tenantId, request.connectionId);
    if (!isChannelConnector(connector)) throw new Error(`${connection.name} is not a storefront`);
    const shown = await observePush(connection.provider, () =>
      connector.setStock({
        externalId: request.externalId,
        quantity: item.quantity,
        status: item.status,
        lastSeenQuantity: link?.channelQuantity ?? undefined,
      }),
    );
    if (link)
      await db.itemLink.update({
        where: { id: link.id },
        data: { channelQuantity: shown?.quantity ?? channelQuantity(item) },
      });
  } catch (cause) {
    // The write may have applied without an answer: the retry reads the channel afresh.
    if (link?.channelQuantity != null)
      await db.itemLink.update({ where: { id: link.id }, data: { channelQuantity: null } });
    const error = plainPushError(connection.name, cause);
    const failedAt = new Date();
    const left = context.number < pushMaxAttempts(context.delaysMs);
    const cutShort = context.inline === true && cause instanceof UnavailableError && cause.kind === "timeout";
    const waitMs =
      cause instanceof RateLimitedError
        ? Math.max(1_000, cause.retryAfterMs)
        : cutShort
          ? 0
          : (context.delaysMs[context.number - 1] ?? 0);
    const retryAt = left ? new Date(failedAt.getTime() + waitMs) : null;
    await db.channelPush.update({ where: { id: pushId }, data: { state: "PENDING", error, nextAttemptAt: retryAt } });
    await recordAttempt(prisma, {
      ...attempt,
      outcome: cause instanceof RateLimitedError ? "RATE_LIMITED" : "FAILED",
      detail,
      error,
      finishedAt: failedAt,
    });
    if (cutShort) return { kind: "failed", pushId, error, retryAt: retryAt?.toISOString() ?? null };
    const failures = await db.connection.update({
      where: { id: request.connectionId },
      data: { consecutiveFailures: { increment: 1 } },
      select: { consecutiveFailures: true },
    });
    if (failures.consecutiveFailures >= CIRCUIT_FAILURE_THRESHOLD) {
      await db.connection.update({
        where: { id: request.connectionId },
        data: { circuitOpenUntil: new Date(failedAt.getTime() + circuitOpenMs()) },
      });
    }
    return { kind: "failed", pushId, error, retryAt: retryAt?.toISOString() ?? null };
  }
  const pushedAt = new Date();
  // The attempt first: whoever sees the row delivered finds the attempt that delivered it.
  await recordAttempt(prisma, { ...attempt, outcome: "SUCCEEDED", detail, finishedAt: pushedAt });
  await db.channelPush.update({
    where: { id: pushId },
    data: { state: "SUCCEEDED", error: null, nextAttemptAt: null, pushedAt },
  });
  // Written only when it changes: a healthy channel's row is not rewritten on every push.
  await db.connection.updateMany({
    where: { id: request.connectionId, OR: [{ consecutiveFailures: { gt: 0 } }, { circuitOpenUntil: { not: null } }] },
    data: { consecutiveFailures: 0, circuitOpenUntil: null },
  });
  return { kind: "succeeded", pushId, quantity: item.quantity, status: item.status, pushedAt: pushedAt.toISOString() };
}

/**
 * After the last attempt: the push stays visible as FAILED with its error, and a webhook event
 * whose change was applied becomes FAILED (so it is dead-lettered and replayable) while keeping
 * the verdict of its processing.
 */
export async function giveUpPush(
  prisma: PrismaClient,
  tenantId: string,
  pushId: string,
  error: string,
): Promise<boolean> {
  const db = scopeToTenant(prisma, tenantId);
  const push = await db.channelPush.findFirst({
    where: { id: pushId },
    select: { state: true, error: true, webhookEventId: true, attempts: true, connection: { select: { name: true } } },
  });
  if (!push || push.state === "SUCCEEDED") return false;
  const reason = clipText(push.error ?? error, 500);
  await db.channelPush.update({ where: { id: pushId }, data: { state: "FAILED", error: reason, nextAttemptAt: null } });
  if (push.webhookEventId) {
    await db.webhookEvent.updateMany({
      where: { id: push.webhookEventId, status: "APPLIED" },
      data: {
        status: "FAILED",
        error:
          `Not delivered to ${push.connection.name} after ${push.attempts} attempt${push.attempts === 1 ? "" : "s"}. ${reason}`.slice(
            0,
            1000,
          ),
        completedAt: new Date(),
      },
    });
  }
  return true;
}
