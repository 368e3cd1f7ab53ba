import type { ItemStatus, PrismaClient } from "@/generated/prisma/client";
import { env } from "@/env";
import {
  channelQuantity,
  chunk,
  isChannelConnector,
  RateLimitedError,
  RequestRejectedError,
  type ChannelConnector,
  type StockUpdate,
} from "@/server/connectors";
import { BIGCOMMERCE_MAX_ADJUSTMENTS } from "@/server/connectors/bigcommerce/connector";
import { SHOPIFY_MAX_QUANTITIES_PER_CALL } from "@/server/connectors/shopify/connector";
import { WOO_MAX_BATCH } from "@/server/connectors/woocommerce/connector";
import { observePush } from "@/server/metrics/observe";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import {
  breakerParking,
  CIRCUIT_FAILURE_THRESHOLD,
  LEASE_BUSY_PHRASE,
  plainPushError,
  pushMaxAttempts,
  type AttemptContext,
  type ConnectorLookup,
} from "./channel-push";
import { newLeaseHolder, PUSH_LEASE_WAIT_MS, releasePushLeases, takePushLeases, type LeasedLink } from "./push-lease";

/**
 * Many push rows to ONE storefront in one attempt (push-channel-batch): the distinct items' state
 * at push time, one update per item however many rows (deliveries) changed it, sent with the
 * platform's bulk call in chunks of its documented limit. Every row still gets its own outcome and
 * attempt row, so the event drawer reads as it does for single pushes.
 */

/** Updates per bulk call (PLATFORM-RULES.md); the connectors split larger requests the same way. */
export const BULK_LIMITS: Record<string, number> = {
  SHOPIFY: SHOPIFY_MAX_QUANTITIES_PER_CALL,
  WOOCOMMERCE: WOO_MAX_BATCH,
  BIGCOMMERCE: BIGCOMMERCE_MAX_ADJUSTMENTS,
};
const DEFAULT_BULK_LIMIT = 100;

export interface BatchPushRequest {
  tenantId: string;
  connectionId: string;
  pushIds: readonly string[];
}

export interface SucceededRow {
  pushId: string;
  itemId: string;
  externalId: string;
  quantity: number;
  status: ItemStatus;
  pushedAt: string;
  webhookEventId?: string;
  syncRunId?: string;
}

export interface FailedRow {
  pushId: string;
  error: string;
  /** When this row's next attempt is due; null when it has none left. */
  retryAt: string | null;
}

export interface BatchAttemptResult {
  succeeded: SucceededRow[];
  failed: FailedRow[];
  /** Rows not attempted this turn (breaker open, or their item is being pushed by another run), and until when. */
  waiting: { pushIds: string[]; until: string; error: string; parked: boolean } | null;
  /** Platform calls made. */
  calls: number;
}

interface PendingRow {
  id: string;
  itemId: string;
  webhookEventId: string | null;
  syncRunId: string | null;
}

const STORED_ROW = {
  id: true,
  itemId: true,
  state: true,
  quantity: true,
  status: true,
  pushedAt: true,
  webhookEventId: true,
  syncRunId: true,
} as const;

const circuitOpenMs = () => env().STOCKHOOK_CIRCUIT_OPEN_MS;

export async function attemptChannelBatch(
  prisma: PrismaClient,
  connectorFor: ConnectorLookup,
  request: BatchPushRequest,
  context: AttemptContext,
  now = new Date(),
): Promise<BatchAttemptResult> {
  const db = scopeToTenant(prisma, request.tenantId);
  const rows = await db.channelPush.findMany({
    where: { id: { in: [...request.pushIds] }, connectionId: request.connectionId },
    select: STORED_ROW,
    orderBy: { id: "asc" },
  });
  const result: BatchAttemptResult = { succeeded: [], failed: [], waiting: null, calls: 0 };
  await reportLanded(db, request.connectionId, rows, result, now);
  const pending: PendingRow[] = rows.filter((r) => r.state === "PENDING");
  if (pending.length === 0) return result;

  const connection = await db.connection.findFirstOrThrow({
    where: { id: request.connectionId },
    select: { name: true, provider: true, circuitOpenUntil: true },
  });
  const attemptBase = {
    tenantId: request.tenantId,
    kind: "PUSH" as const,
    connectionId: request.connectionId,
    number: context.number,
    replay: context.replay ?? false,
    inngestRunId: context.inngestRunId,
    startedAt: now,
  };

  if (connection.circuitOpenUntil && connection.circuitOpenUntil > now) {
    const { error, until } = breakerParking(connection.name, connection.circuitOpenUntil);
    const ids = pending.map((row) => row.id);
    await db.channelPush.updateMany({
      where: { id: { in: ids } },
      data: { nextAttemptAt: until, error, inngestRunId: context.inngestRunId },
    });
    await db.pipelineAttempt.createMany({
      data: pending.map((row) => ({
        ...attemptBase,
        channelPushId: row.id,
        webhookEventId: row.webhookEventId,
        itemId: row.itemId,
        outcome: "PARKED",
        error,
        finishedAt: now,
      })),
    });
    result.waiting = { pushIds: ids, until: until.toISOString(), error, parked: true };
    return result;
  }

  const holder = newLeaseHolder();
  const itemIds = [...new Set(pending.map((row) => row.itemId))];
  const leased = await takePushLeases(prisma, request.tenantId, request.connectionId, itemIds, holder, now);
  try {
    const held = new Set(leased.map((link) => link.itemId));
    const busy = pending.filter((row) => !held.has(row.itemId));
    if (busy.length)
      result.waiting = {
        pushIds: busy.map((row) => row.id),
        until: new Date(now.getTime() + PUSH_LEASE_WAIT_MS).toISOString(),
        error: `${connection.name}: ${LEASE_BUSY_PHRASE}`,
        parked: false,
      };
    // A link removed since the push was written has nothing to push to: its rows fail at once.
    const unlinked = new Set(itemIds.filter((id) => !held.has(id)));
    if (unlinked.size)
      for (const link of await db.itemLink.findMany({
        where: { connectionId: request.connectionId, itemId: { in: [...unlinked] } },
        select: { itemId: true },
      }))
        unlinked.delete(link.itemId);
    for (const row of busy.filter((r) => unlinked.has(r.itemId)))
      result.failed.push({
        pushId: row.id,
        error: `${connection.name} is no longer linked to this item`,
        retryAt: null,
      });
    if (result.waiting) result.waiting.pushIds = busy.filter((r) => !unlinked.has(r.itemId)).map((row) => row.id);
    if (result.waiting?.pushIds.length === 0) result.waiting = null;
    const mine = await stillPending(
      db,
      request.connectionId,
      pending.filter((row) => held.has(row.itemId)),
      result,
      now,
    );
    const toSend = new Set(mine.map((row) => row.itemId));
    const links = leased.filter((link) => toSend.has(link.itemId));
    if (mine.length)
      await pushLeased(prisma, connectorFor, request, context, connection, attemptBase, mine, links, result);
  } finally {
    await releasePushLeases(prisma, request.tenantId, request.connectionId, holder);
  }
  return result;
}

type TenantDb = ReturnType<typeof scopeToTenant>;
type StoredRow = PendingRow & { state: string; quantity: number; status: ItemStatus; pushedAt: Date | null };

/** Rows that already landed report their stored outcome, so a step run again emits the same `product.synced`. */
async function reportLanded(
  db: TenantDb,
  connectionId: string,
  rows: StoredRow[],
  result: BatchAttemptResult,
  now: Date,
): Promise<void> {
  const landed = rows.filter((row) => row.state === "SUCCEEDED");
  if (landed.length === 0) return;
  const links = await db.itemLink.findMany({
    where: { connectionId, itemId: { in: landed.map((row) => row.itemId) } },
    select: { itemId: true, externalId: true },
  });
  const externalIdOf = new Map(links.map((link) => [link.itemId, link.externalId]));
  for (const row of landed)
    result.succeeded.push({
      pushId: row.id,
      itemId: row.itemId,
      externalId: externalIdOf.get(row.itemId) ?? "",
      quantity: row.quantity,
      status: row.status,
      pushedAt: (row.pushedAt ?? now).toISOString(),
      webhookEventId: row.webhookEventId ?? undefined,
      syncRunId: row.syncRunId ?? undefined,
    });
}

/**
 * The rows were read before the leases were taken, so another attempt (a step run again, a
 * sweeper's re-send) may have delivered some in between. Read again under the leases, which no
 * other push of these items can change, and send only what is still pending.
 */
async function stillPending(
  db: TenantDb,
  connectionId: string,
  rows: PendingRow[],
  result: BatchAttemptResult,
  now: Date,
): Promise<PendingRow[]> {
  if (rows.length === 0) return rows;
  const current = await db.channelPush.findMany({
    where: { id: { in: rows.map((row) => row.id) }, connectionId },
    select: STORED_ROW,
    orderBy: { id: "asc" },
  });
  await reportLanded(db, connectionId, current, result, now);
  return current.filter((row) => row.state === "PENDING");
}

type AttemptBase = {
  tenantId: string;
  kind: "PUSH";
  connectionId: string;
  number: number;
  replay: boolean;
  inngestRunId?: string;
  startedAt: Date;
};

async function pushLeased(
  prisma: PrismaClient,
  connectorFor: ConnectorLookup,
  request: BatchPushRequest,
  context: AttemptContext,
  connection: { name: string; provider: string },
  attemptBase: AttemptBase,
  rows: PendingRow[],
  links: LeasedLink[],
  result: BatchAttemptResult,
): Promise<void> {
  const db = scopeToTenant(prisma, request.tenantId);
  const now = attemptBase.startedAt;
  const linkOf = new Map(links.map((link) => [link.itemId, link]));
  // Read under the lease: the state sent is the item's state at push time.
  const items = await db.item.findMany({
    where: { id: { in: [...linkOf.keys()] } },
    select: { id: true, quantity: true, status: true },
    orderBy: { id: "asc" },
  });
  const rowsOf = new Map<string, PendingRow[]>();
  for (const row of rows) rowsOf.set(row.itemId, [...(rowsOf.get(row.itemId) ?? []), row]);
  const byState = new Map<string, string[]>();
  for (const item of items) {
    const key = `${item.quantity}|${item.status}`;
    byState.set(key, [...(byState.get(key) ?? []), ...(rowsOf.get(item.id) ?? []).map((row) => row.id)]);
  }
  for (const [key, ids] of byState) {
    const [quantity, status] = key.split("|");
    await db.channelPush.updateMany({
      where: { id: { in: ids } },
      data: {
        attempts: { increment: 1 },
        runAttempt: context.number,
        lastAttemptAt: now,
        nextAttemptAt: null,
        quantity: Number(quantity),
        status: status as ItemStatus,
        inngestRunId: context.inngestRunId,
      },
    });
  }

  const shopify = connection.provider === "SHOPIFY";
  const update = (item: (typeof items)[number]): StockUpdate => ({
    externalId: linkOf.get(item.id)!.externalId,
    quantity: item.quantity,
    status: item.status,
    lastSeenQuantity: shopify ? (linkOf.get(item.id)!.channelQuantity ?? undefined) : undefined,
  });
  const failures = new Map<string, unknown>();
  const shown = new Map<string, number>();
  let stopped: unknown = null;
  let anyCallLanded = false;
  let connector: ChannelConnector | null = null;
  for (const part of chunk(items, BULK_LIMITS[connection.provider] ?? DEFAULT_BULK_LIMIT)) {
    // After a 429 or an outage the rest of the run's chunks wait with it rather than hammer the platform.
    if (stopped) {
      for (const item of part) failures.set(item.id, stopped);
      continue;
    }
    try {
      if (!connector) {
        const found = await connectorFor(request.tenantId, request.connectionId);
        if (!isChannelConnector(found)) throw new Error(`${connection.name} is not a storefront`);
        connector = found;
      }
      const updates = part.map(update);
      const channel = connector;
      const answer = await observePush(connection.provider, () => channel.setStockBatch(updates));
      result.calls += answer.calls;
      anyCallLanded = true;
      const refused = new Map((answer.rejected ?? []).map((r) => [r.externalId, r.error]));
      for (const item of part) {
        const externalId = linkOf.get(item.id)!.externalId;
        const refusal = refused.get(externalId);
        if (refusal !== undefined) failures.set(item.id, new RequestRejectedError(refusal));
        else shown.set(item.id, answer.shown?.[externalId] ?? channelQuantity(item));
      }
    } catch (cause) {
      for (const item of part) failures.set(item.id, cause);
      if (!(cause instanceof RequestRejectedError)) stopped = cause;
    }
  }

  const finishedAt = new Date();
  const succeededIds: string[] = [];
  const attempts = [];
  for (const item of items) {
    const itemRows = rowsOf.get(item.id) ?? [];
    const detail = `qty ${item.quantity}, ${item.status}`;
    const cause = failures.get(item.id);
    const link = linkOf.get(item.id)!;
    if (cause === undefined) {
      if (shopify) await db.itemLink.update({ where: { id: link.id }, data: { channelQuantity: shown.get(item.id) } });
      for (const row of itemRows) {
        succeededIds.push(row.id);
        attempts.push({
          ...attemptBase,
          channelPushId: row.id,
          webhookEventId: row.webhookEventId,
          itemId: row.itemId,
          outcome: "SUCCEEDED",
          detail,
          finishedAt,
        });
        result.succeeded.push({
          pushId: row.id,
          itemId: item.id,
          externalId: link.externalId,
          quantity: item.quantity,
          status: item.status,
          pushedAt: finishedAt.toISOString(),
          webhookEventId: row.webhookEventId ?? undefined,
          syncRunId: row.syncRunId ?? undefined,
        });
      }
      continue;
    }
    // The write may have applied without an answer: the retry reads the channel afresh.
    if (shopify && link.channelQuantity != null)
      await db.itemLink.update({ where: { id: link.id }, data: { channelQuantity: null } });
    const error = plainPushError(connection.name, cause);
    const left = context.number < pushMaxAttempts(context.delaysMs);
    const waitMs =
      cause instanceof RateLimitedError
        ? Math.max(1_000, cause.retryAfterMs)
        : (context.delaysMs[context.number - 1] ?? 0);
    const retryAt = left ? new Date(finishedAt.getTime() + waitMs) : null;
    await db.channelPush.updateMany({
      where: { id: { in: itemRows.map((row) => row.id) } },
      data: { state: "PENDING", error, nextAttemptAt: retryAt },
    });
    for (const row of itemRows) {
      attempts.push({
        ...attemptBase,
        channelPushId: row.id,
        webhookEventId: row.webhookEventId,
        itemId: row.itemId,
        outcome: cause instanceof RateLimitedError ? "RATE_LIMITED" : "FAILED",
        detail,
        error: error.slice(0, 1000),
        finishedAt,
      });
      result.failed.push({ pushId: row.id, error, retryAt: retryAt?.toISOString() ?? null });
    }
  }
  // The attempts first: whoever sees a row delivered (the dashboard, a test waiting on its state)
  // finds the attempt that delivered it.
  if (attempts.length) await db.pipelineAttempt.createMany({ data: attempts });
  if (succeededIds.length)
    await db.channelPush.updateMany({
      where: { id: { in: succeededIds } },
      data: { state: "SUCCEEDED", error: null, nextAttemptAt: null, pushedAt: finishedAt },
    });
  await recordHealth(prisma, request, anyCallLanded, stopped, finishedAt);
}

/**
 * The breaker counts failed calls, not rows: a bulk call that failed is one failure of the
 * storefront, and a per-item refusal is none (the storefront answered). Rows are written only
 * when a value changes, so a healthy storefront's row is not rewritten by every batch.
 */
async function recordHealth(
  prisma: PrismaClient,
  request: BatchPushRequest,
  anyCallLanded: boolean,
  stopped: unknown,
  at: Date,
): Promise<void> {
  const db = scopeToTenant(prisma, request.tenantId);
  if (stopped) {
    const failures = await db.connection.update({
      where: { id: request.connectionId },
      data: { consecutiveFailures: { increment: 1 } },
      select: { consecutiveFailures: true },
    });
    if (failures.consecutiveFailures >= CIRCUIT_FAILURE_THRESHOLD)
      await db.connection.update({
        where: { id: request.connectionId },
        data: { circuitOpenUntil: new Date(at.getTime() + circuitOpenMs()) },
      });
    return;
  }
  if (anyCallLanded)
    await db.connection.updateMany({
      where: {
        id: request.connectionId,
        OR: [{ consecutiveFailures: { gt: 0 } }, { circuitOpenUntil: { not: null } }],
      },
      data: { consecutiveFailures: 0, circuitOpenUntil: null },
    });
}
