import { randomUUID } from "node:crypto";
import { fastPathDb } from "@/server/db";
import type { WebhookEventMessage } from "@/server/inbound/ingest";
import { ARRIVAL_RUN_PREFIX } from "@/server/pipeline/attempts";
import { unattemptedPushesOf } from "@/server/pipeline/inline-push";
import { applyForRun } from "./apply-run";
import { pushInline } from "./push-run";

/**
 * One delivery on the fast path: it is claimed and applied, and its pushes' first attempts are
 * made at once (server/pipeline/inline-push.ts), on the fast path's own pool. A push that does not
 * land goes to push-item. A delivery found final already (the work ran again after its commit, or
 * an attempt on arrival did it) has its pushes that nobody has taken made instead.
 */
export async function applyAndPush(run: {
  tenantId: string;
  webhookEventId: string;
  runId: string;
  attempt: number;
  replay: boolean;
}) {
  const { tenantId, webhookEventId, runId, replay } = run;
  const { inline, ...summary } = await applyForRun({
    tenantId,
    eventIds: [webhookEventId],
    runId,
    attempt: run.attempt,
    replay,
    inlinePushes: true,
  });
  const pushes =
    inline ?? (summary.claimed === 0 ? await unattemptedPushesOf(fastPathDb, tenantId, webhookEventId, runId) : []);
  if (!pushes.length) return summary;
  return { ...summary, pushed: await pushInline({ tenantId, runId, replay, pushes }) };
}

/**
 * apply-webhook's step, done by the instance that took the delivery while the delivery's Inngest
 * run waits its 5 s (server/inbound/arrival-attempts.ts). A failure is thrown to the caller, and
 * the delivery's run does the rest.
 */
export async function applyOnArrival(message: WebhookEventMessage): Promise<void> {
  await applyAndPush({
    tenantId: message.tenantId,
    webhookEventId: message.webhookEventId,
    runId: `${ARRIVAL_RUN_PREFIX}${randomUUID()}`,
    attempt: 0,
    replay: false,
  });
}
