import type { PrismaClient } from "@/generated/prisma/client";
import { db, fastPathDb } from "@/server/db";
import { connectorForConnection } from "@/server/connectors/tenant-connector";
import { emitProductSyncedMany } from "@/server/outbound/emit";
import type { PushRow } from "@/server/pipeline/apply-batch";
import { pushRetryDelaysMs, type PushAttemptResult, type PushRequest } from "@/server/pipeline/channel-push";
import { attemptPushesInline, INLINE_PUSH_POLICY } from "@/server/pipeline/inline-push";
import { giveUpOnePush } from "@/server/pipeline/push-give-up";
import { inngest } from "./client";
import { channelPush, channelPushBatch } from "./event-schemas";
import { sendOutboundEvents } from "./outbound-sender";

/**
 * push-item's connector: a Retry-After longer than a few seconds ends the attempt and is waited
 * out as an Inngest sleep, and a failing call is retried once in place at most: the push's own
 * scheduled attempts do the rest, so a storefront that is down holds no concurrency slot while it waits.
 */
export const retryingConnector = (tenantId: string, connectionId: string) =>
  connectorForConnection(db, tenantId, connectionId, { policy: { maxRetryAfterMs: 5_000, maxRetries: 1 } });

const inlineConnector = (tenantId: string, connectionId: string) =>
  connectorForConnection(fastPathDb, tenantId, connectionId, { policy: INLINE_PUSH_POLICY });

type Succeeded = Extract<PushAttemptResult, { kind: "succeeded" }>;

/** `product.synced` for the pushes that landed, in one send. */
export function emitLandedPushes(
  tenantId: string,
  landed: { request: PushRequest; result: Succeeded }[],
  prisma: PrismaClient = db,
) {
  return emitProductSyncedMany(
    prisma,
    tenantId,
    landed.map(({ request, result }) => ({
      pushId: result.pushId,
      quantity: result.quantity,
      status: result.status,
      pushedAt: result.pushedAt,
      itemId: request.itemId,
      connectionId: request.connectionId,
      externalId: request.externalId,
      webhookEventId: request.webhookEventId,
      syncRunId: request.syncRunId,
    })),
    sendOutboundEvents,
  );
}

/** The push-item event that takes a push over, named as the apply run would name it. */
export const handOverEvent = (
  tenantId: string,
  runId: string,
  replay: boolean,
  push: Pick<PushRow, "id" | "itemId" | "connectionId" | "externalId" | "webhookEventId">,
  resume?: { number: number; at: string },
) =>
  channelPush.create(
    {
      tenantId,
      pushId: push.id,
      itemId: push.itemId,
      connectionId: push.connectionId,
      externalId: push.externalId,
      webhookEventId: push.webhookEventId,
      ...(replay ? { replay } : {}),
      ...(resume ? { resume } : {}),
    },
    { id: `push:${runId}:${push.id}` },
  );

/**
 * The push-channel-batch event for one storefront's rows, named by who sent it (an apply run, or
 * `reconcile:<sync run>`) and its first row: an apply whose transaction rolled back writes new rows
 * on its retry, and those get an event of their own.
 */
export const storefrontBatchEvent = (
  tenantId: string,
  sender: string,
  rows: { connectionId: string; pushIds: string[] },
  replay = false,
) =>
  channelPushBatch.create(
    { tenantId, ...rows, ...(replay ? { replay } : {}) },
    { id: `push-batch:${sender}:${rows.connectionId}:${rows.pushIds[0]}` },
  );

/**
 * The fast path's pushes: each push's first attempt, made here (inline-push.ts) on the fast
 * path's own pool; what did not land goes to push-item to be retried from its next attempt, and a
 * push with no attempt left fails for good as push-item would fail it.
 */
export async function pushInline(run: { tenantId: string; runId: string; replay: boolean; pushes: PushRow[] }) {
  const { tenantId, runId, replay } = run;
  const outcome = await attemptPushesInline(fastPathDb, inlineConnector, tenantId, run.pushes, {
    runId,
    replay,
    delaysMs: pushRetryDelaysMs(),
  });
  if (outcome.handedOver.length)
    await inngest.send(
      outcome.handedOver.map(({ push, number, at }) => handOverEvent(tenantId, runId, replay, push, { number, at })),
    );
  for (const { result } of outcome.exhausted)
    if (result.kind === "failed")
      await giveUpOnePush(fastPathDb, tenantId, result.pushId, result.error, sendOutboundEvents);
  await emitLandedPushes(
    tenantId,
    outcome.succeeded.flatMap(({ push, result }) =>
      result.kind === "succeeded" ? [{ request: { tenantId, ...push, pushId: push.id }, result }] : [],
    ),
    fastPathDb,
  );
  return { landed: outcome.succeeded.length, handedOver: outcome.handedOver.length, failed: outcome.exhausted.length };
}
