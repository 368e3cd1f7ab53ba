import { env } from "@/env";
import type { ConnectionDirection, PrismaClient } from "@/generated/prisma/client";
import type { ChannelConnector, SourceConnector } from "@/server/connectors";
import { connectorForConnection } from "@/server/connectors/tenant-connector";
import { emitStockChanges, emitSyncRunResult, type OutboundSender } from "@/server/outbound/emit";
import { channelTargets } from "@/server/pipeline/channel-push";
import { channelDriftPage, failSyncRun, reconcilePage, type SyncRunRef } from "./reconcile";

/**
 * One reconcile run as the durable function drives it: page by page, each page a unit of work
 * that can be retried on its own. This module knows nothing of Inngest; the function only names
 * the steps.
 */
export interface ReconcileRun extends SyncRunRef {
  direction: ConnectionDirection;
  /** An incremental source run asks only for what changed since (ISO time); null for a full run. */
  updatedSince: string | null;
}

/** How many times a failed page is tried again before the run fails. */
export const RECONCILE_RETRIES = 3;

/**
 * How long a failed page waits before each retry: 10 s, 1 min, 5 min, or
 * STOCKHOOK_RECONCILE_RETRY_DELAYS (seconds; tests shorten it). The wait is chosen here, not by
 * Inngest's backoff, so the run can say when its next attempt starts.
 */
export function reconcileRetryDelaysMs(
  source: { STOCKHOOK_RECONCILE_RETRY_DELAYS?: string } = env(),
): readonly number[] {
  const configured = source.STOCKHOOK_RECONCILE_RETRY_DELAYS;
  if (!configured) return [10_000, 60_000, 300_000];
  return configured.split(",").map((seconds) => Number(seconds) * 1000);
}

/** A page that failed; `retryAt` is when it is tried again, null after the last attempt. */
export class ReconcilePageError extends Error {
  constructor(
    message: string,
    readonly retryAt: Date | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ReconcilePageError";
  }
}

export interface PushTarget {
  itemId: string;
  connectionId: string;
  externalId: string;
}

/**
 * One page: a source's catalogue reconciled into the canonical stock (and its changes announced
 * to tenants' endpoints), or a channel's listing checked for drift. Returns the next cursor and
 * the (item, channel) pairs to push. A failure is counted on the run before it is rethrown.
 */
export async function reconcileRunPage(
  prisma: PrismaClient,
  run: ReconcileRun,
  cursor: string | null,
  send: OutboundSender,
  attempt = 0,
  now: () => Date = () => new Date(),
): Promise<{ nextCursor: string | null; push: PushTarget[] }> {
  const { tenantId, connectionId } = run;
  try {
    // A page that succeeds after a retry: no attempt is scheduled any more.
    if (attempt > 0) await prisma.syncRun.update({ where: { id: run.id }, data: { nextAttemptAt: null } });
    const connector = await connectorForConnection(prisma, tenantId, connectionId);
    if (run.direction === "CHANNEL") {
      // A channel's run is a drift check: what the storefront shows against the canonical stock.
      const page = await (connector as ChannelConnector).listStock({ cursor: cursor ?? undefined });
      const { drifted } = await channelDriftPage(prisma, run, page);
      return { nextCursor: page.nextCursor, push: drifted.map((d) => ({ ...d, connectionId })) };
    }
    const page = await (connector as SourceConnector).listStock({
      cursor: cursor ?? undefined,
      updatedSince: run.updatedSince ? new Date(run.updatedSince) : undefined,
    });
    const result = await reconcilePage(prisma, run, page);
    await emitStockChanges(
      prisma,
      tenantId,
      result.applied,
      { kind: "reconcile", connectionId, syncRunId: run.id },
      send,
    );
    return { nextCursor: page.nextCursor, push: await pushTargets(prisma, tenantId, result.changedItemIds) };
  } catch (error) {
    const message = error instanceof Error ? error.message.slice(0, 1000) : String(error);
    const delay = attempt < RECONCILE_RETRIES ? reconcileRetryDelaysMs()[attempt] : undefined;
    const retryAt = delay === undefined ? null : new Date(now().getTime() + delay);
    await prisma.syncRun.update({
      where: { id: run.id },
      data: { errorCount: { increment: 1 }, lastError: message, nextAttemptAt: retryAt },
    });
    throw new ReconcilePageError(message, retryAt, { cause: error });
  }
}

/** Every linked channel of the given items, for pushing them. */
export async function pushTargets(prisma: PrismaClient, tenantId: string, itemIds: string[]): Promise<PushTarget[]> {
  const perItem = await Promise.all(
    itemIds.map(async (itemId) =>
      (await channelTargets(prisma, tenantId, itemId)).map((target) => ({ itemId, ...target })),
    ),
  );
  return perItem.flat();
}

/** After the last retry: the connection's running run (if any) fails, and tenants hear of it. */
export async function failRunningSyncRun(
  prisma: PrismaClient,
  tenantId: string,
  connectionId: string,
  error: string,
  send: OutboundSender,
) {
  const running = await prisma.syncRun.findFirst({
    where: { tenantId, connectionId, status: "RUNNING" },
    orderBy: { startedAt: "desc" },
    select: { id: true },
  });
  if (!running) return;
  await failSyncRun(prisma, tenantId, running.id, error);
  await emitSyncRunResult(prisma, tenantId, running.id, send);
}
