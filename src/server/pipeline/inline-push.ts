import type { PrismaClient } from "@/generated/prisma/client";
import type { RetryPolicy } from "@/server/connectors/http";
import type { PushRow } from "./apply-batch";
import { ARRIVAL_RUN_PREFIX } from "./attempts";
import { attemptPush, type ConnectorLookup, type PushAttemptResult } from "./channel-push";

/**
 * The fast path's own first attempt at its pushes, in the same step as the apply: a second
 * Inngest run per push would add its start-up wait (about 250 ms on the dev server) to every sale,
 * and a second step the wait for Inngest to schedule it (seconds at the 95th percentile while
 * another tenant's burst drains, docs/pipeline.md#the-fast-paths-push-step).
 * The attempt is one call with no waiting in it: no retry, no Retry-After slept out, a timeout of
 * 2 s (a storefront slower than that is retried at once by push-item with the full 15 s, and the
 * cut does not count against its breaker). Whatever does not land is handed to push-item, which
 * waits and retries it on its own. While this step runs the delivery's run holds its item's
 * concurrency key, so a storefront that hangs delays that item's next sale by at most the 2 s, and
 * one whose breaker is open not at all.
 */
export const INLINE_PUSH_POLICY: Partial<RetryPolicy> = {
  timeoutMs: 2_000,
  maxRetries: 0,
  maxRateLimitWaits: 0,
  maxRetryAfterMs: 0,
};

/**
 * A delivery that changes more than this many item × storefront pairs (a multi-line order, an
 * ERP document) hands them all to push-item, whose per-storefront concurrency paces the calls.
 */
export const INLINE_PUSH_LIMIT = 10;

export interface InlineAttempt {
  push: PushRow;
  result: PushAttemptResult;
}

/** Where a push that did not land goes on: push-item, from this attempt number, not before `at`. */
export interface PushHandOver {
  push: PushRow;
  number: number;
  at: string;
}

export interface InlineOutcome {
  succeeded: InlineAttempt[];
  handedOver: PushHandOver[];
  /** Out of attempts already (a retry budget of one): failed for good. */
  exhausted: InlineAttempt[];
}

/**
 * One attempt per push, every storefront at once: a slow or failing storefront's call never
 * stands in front of another's, and each outcome is written to its row as it lands.
 */
export async function attemptPushesInline(
  prisma: PrismaClient,
  connectorFor: ConnectorLookup,
  tenantId: string,
  pushes: PushRow[],
  context: { runId: string; replay: boolean; delaysMs: number[] },
): Promise<InlineOutcome> {
  const attempts = await Promise.all(
    pushes.map(async (push): Promise<InlineAttempt> => {
      const result = await attemptPush(
        prisma,
        connectorFor,
        {
          tenantId,
          itemId: push.itemId,
          connectionId: push.connectionId,
          externalId: push.externalId,
          webhookEventId: push.webhookEventId,
          pushId: push.id,
        },
        { number: 1, delaysMs: context.delaysMs, inngestRunId: context.runId, replay: context.replay, inline: true },
      );
      return { push, result };
    }),
  );
  const outcome: InlineOutcome = { succeeded: [], handedOver: [], exhausted: [] };
  for (const attempt of attempts) {
    const { push, result } = attempt;
    if (result.kind === "succeeded") outcome.succeeded.push(attempt);
    // A parked push (breaker open, or another push of the item under way) has not used its attempt.
    else if (result.kind === "parked") outcome.handedOver.push({ push, number: 1, at: result.until });
    else if (result.retryAt) outcome.handedOver.push({ push, number: 2, at: result.retryAt });
    else outcome.exhausted.push(attempt);
  }
  return outcome;
}

/**
 * A delivery's pushes nobody has taken: its fast-path step, or its attempt on arrival, applied it
 * and stopped before pushing (the process died, or the step ran again), so the delivery's run finds
 * it final and pushes these instead. Rows another run is attempting or has scheduled are left to
 * it; a delivery with more pushes than INLINE_PUSH_LIMIT handed them to push-item runs, which own
 * them. An attempt on arrival's rows are taken: the run starts seconds after the attempt, which has
 * ended by then, and should it still be calling, the item's lease keeps the calls apart.
 */
export async function unattemptedPushesOf(
  prisma: PrismaClient,
  tenantId: string,
  webhookEventId: string,
  runId: string,
): Promise<PushRow[]> {
  const rows = await prisma.channelPush.findMany({
    where: {
      tenantId,
      webhookEventId,
      state: "PENDING",
      nextAttemptAt: null,
      OR: [{ inngestRunId: null }, { inngestRunId: runId }, { inngestRunId: { startsWith: ARRIVAL_RUN_PREFIX } }],
    },
    select: { id: true, connectionId: true, itemId: true },
    orderBy: { id: "asc" },
    take: INLINE_PUSH_LIMIT + 1,
  });
  if (rows.length === 0 || rows.length > INLINE_PUSH_LIMIT) return [];
  const links = await prisma.itemLink.findMany({
    where: {
      tenantId,
      itemId: { in: rows.map((row) => row.itemId) },
      connectionId: { in: rows.map((row) => row.connectionId) },
    },
    select: { itemId: true, connectionId: true, externalId: true },
  });
  const externalIdOf = new Map(links.map((link) => [`${link.connectionId}|${link.itemId}`, link.externalId]));
  return rows.flatMap((row) => {
    const externalId = externalIdOf.get(`${row.connectionId}|${row.itemId}`);
    // Unlinked since: nowhere to push; the sweeper's re-send of unstarted pushes fails it as unlinked.
    return externalId ? [{ ...row, externalId, webhookEventId }] : [];
  });
}
