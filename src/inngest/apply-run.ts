import type { PrismaClient } from "@/generated/prisma/client";
import { db, fastPathDb } from "@/server/db";
import type { SourceConnector } from "@/server/connectors";
import { connectorForConnection } from "@/server/connectors/tenant-connector";
import { reconcileForCollection } from "@/server/connections/collection-reconcile";
import { appliedChanges, emitStockChanges } from "@/server/outbound/emit";
import { applyEvents, type ApplyRequest, type ApplyResult, type PushRow } from "@/server/pipeline/apply-batch";
import { recordAttempt } from "@/server/pipeline/attempts";
import { preparePushes, type PushJob } from "@/server/pipeline/channel-push";
import { INLINE_PUSH_LIMIT } from "@/server/pipeline/inline-push";
import { restoreVerdict } from "@/server/pipeline/webhook-processing";
import { inngest } from "./client";
import { reconcileRequested, webhookReceived } from "./event-schemas";
import { sendOutboundEvents } from "./outbound-sender";
import { handOverEvent, storefrontBatchEvent } from "./push-run";

/**
 * One apply run's work, shared by the fast path (apply-webhook, one delivery) and the batched path
 * (apply-webhook-batch, up to 100 deliveries of one tenant): the set-wise apply
 * (server/pipeline/apply-batch.ts), each changed item's pushes returned for the run's next step
 * (fast path), handed to one `push-item` run each, or to one `push-channel-batch` run per
 * storefront (batched path), Business Central collections reconciled, replays of applied events
 * pushed again, and the outbound events.
 */
export type ApplyRun = Omit<ApplyRequest, "sourceFor" | "sendPushes" | "handOverEmpty" | "now" | "pushesInThisRun"> & {
  /** The batched path: one push-channel-batch run per storefront instead of one push-item run per row. */
  bulkPushes?: boolean;
  /** The fast path: up to INLINE_PUSH_LIMIT pushes come back in `inline` for the run to attempt itself. */
  inlinePushes?: boolean;
};

export interface ApplyRunSummary {
  claimed: number;
  pushes: number;
  statuses: Record<string, number>;
  /** Batch only: deliveries whose source read failed, handed to the fast path to retry on their own. */
  handedOn: number;
  /** Fast path: the pushes this run attempts itself in its next step (none were sent to push-item). */
  inline?: PushRow[];
}

/** One event per storefront listing its rows: each storefront's bulk push is a run of its own. */
function bulkPushEvents(tenantId: string, runId: string, replay: boolean, pushes: PushRow[]) {
  const byChannel = new Map<string, string[]>();
  for (const push of pushes) byChannel.set(push.connectionId, [...(byChannel.get(push.connectionId) ?? []), push.id]);
  return [...byChannel].map(([connectionId, pushIds]) =>
    storefrontBatchEvent(tenantId, runId, { connectionId, pushIds }, replay),
  );
}

export async function applyForRun(run: ApplyRun): Promise<ApplyRunSummary> {
  const { tenantId, runId, replay } = run;
  const startedAt = new Date();
  // A single delivery's statements never queue behind a burst's for a connection (server/db.ts).
  const prisma = run.inlinePushes ? fastPathDb : db;
  // One source connector per connection for the run: a batch reads many items from the same source.
  const sources = new Map<string, Promise<SourceConnector>>();
  const sourceFor = (tenant: string, connectionId: string) => {
    let source = sources.get(connectionId);
    if (!source) {
      source = connectorForConnection(prisma, tenant, connectionId) as Promise<SourceConnector>;
      sources.set(connectionId, source);
    }
    return source;
  };
  let result: ApplyResult;
  // Chosen in the transaction: a deadlock retry can roll back rows chosen by the try before it.
  let inline: PushRow[] = [];
  try {
    result = await applyEvents(prisma, {
      ...run,
      sourceFor,
      pushesInThisRun: run.inlinePushes,
      sendPushes: async (pushes: PushRow[]) => {
        if (run.bulkPushes) {
          await inngest.send(bulkPushEvents(tenantId, runId, replay, pushes));
          return;
        }
        // A retried apply that rolled back sets them afresh.
        inline = run.inlinePushes && pushes.length <= INLINE_PUSH_LIMIT ? pushes : [];
        if (!inline.length) await inngest.send(pushes.map((push) => handOverEvent(tenantId, runId, replay, push)));
      },
      handOverEmpty: async (eventIds) => {
        const reconciles = [];
        for (const id of eventIds) {
          const collection = await reconcileForCollection(prisma, tenantId, id);
          if (collection) reconciles.push(reconcileRequested.create(collection));
        }
        if (reconciles.length) await inngest.send(reconciles);
      },
    });
  } catch (error) {
    // Each failed attempt is on record with its error, not only the last one.
    const message = error instanceof Error ? error.message : String(error);
    await recordFailedAttempts(prisma, run, startedAt, message).catch(() => undefined);
    throw error;
  }

  await pushKeptVerdicts(prisma, run, result, startedAt);
  if (result.unresolved.length)
    await inngest.send(
      result.unresolved.map((u) =>
        webhookReceived.create(
          { tenantId, connectionId: u.connectionId, webhookEventId: u.id },
          { id: `${u.id}:unresolved:${runId}` },
        ),
      ),
    );
  // Best effort and bounded (see emit.ts): tenants' webhooks never fail or delay the stock pipeline.
  for (const [webhookEventId, applied] of Object.entries(result.appliedByEvent))
    await emitStockChanges(
      prisma,
      tenantId,
      appliedChanges(applied),
      {
        kind: "webhook",
        connectionId: result.connectionOf[webhookEventId] ?? "",
        webhookEventId,
      },
      sendOutboundEvents,
    );

  const statuses: Record<string, number> = {};
  for (const verdict of Object.values(result.verdicts)) statuses[verdict.status] = (statuses[verdict.status] ?? 0) + 1;
  for (const kept of result.keptVerdict) statuses[kept.status] = (statuses[kept.status] ?? 0) + 1;
  return {
    claimed: result.claimed.length,
    pushes: result.pushes.length,
    statuses,
    handedOn: result.unresolved.length,
    ...(inline.length && inline === result.pushes ? { inline } : {}),
  };
}

/**
 * Replays of deliveries already applied, whose storefront push failed: nothing is applied again,
 * only the storefronts not yet updated are pushed, and the event returns to its verdict. On the
 * batched path (a bulk replay after a storefront's outage) the pushes go out as one bulk push per
 * storefront, as a batch's own pushes do, instead of a push-item run per item and storefront.
 */
async function pushKeptVerdicts(
  prisma: PrismaClient,
  run: ApplyRun,
  result: ApplyResult,
  startedAt: Date,
): Promise<void> {
  const { tenantId, runId, replay } = run;
  const rows: PushRow[] = [];
  for (const event of result.keptVerdict) {
    const unfinished = await prisma.channelPush.findMany({
      where: { tenantId, webhookEventId: event.id, state: { not: "SUCCEEDED" } },
      distinct: ["itemId"],
      select: { itemId: true },
    });
    const jobs: PushJob[] = await preparePushes(
      prisma,
      tenantId,
      { webhookEventId: event.id },
      unfinished.map((p) => p.itemId),
    );
    rows.push(...jobs.map((job) => ({ ...job, id: job.pushId, webhookEventId: event.id })));
  }
  if (rows.length)
    await inngest.send(
      run.bulkPushes
        ? bulkPushEvents(tenantId, runId, replay, rows)
        : rows.map((row) => handOverEvent(tenantId, runId, replay, row)),
    );
  for (const event of result.keptVerdict) {
    await restoreVerdict(prisma, event.id, event.status);
    await recordAttempt(prisma, {
      tenantId,
      kind: "PROCESSING",
      webhookEventId: event.id,
      connectionId: event.connectionId,
      number: run.attempt + 1,
      outcome: event.status,
      replay,
      inngestRunId: runId,
      startedAt,
      detail: `Already applied (${event.action ?? "no action recorded"}); only storefronts not yet updated are pushed again`,
      itemId: event.itemId ?? undefined,
    });
  }
}

async function recordFailedAttempts(
  prisma: PrismaClient,
  run: ApplyRun,
  startedAt: Date,
  error: string,
): Promise<void> {
  const events = await prisma.webhookEvent.findMany({
    where: { tenantId: run.tenantId, id: { in: run.eventIds } },
    select: { id: true, connectionId: true },
  });
  await prisma.pipelineAttempt.createMany({
    data: events.map((event) => ({
      tenantId: run.tenantId,
      kind: "PROCESSING" as const,
      webhookEventId: event.id,
      connectionId: event.connectionId,
      number: run.attempt + 1,
      outcome: "FAILED",
      error: error.slice(0, 1000),
      replay: run.replay,
      inngestRunId: run.runId,
      startedAt,
      finishedAt: new Date(),
    })),
  });
}
