import { randomUUID } from "node:crypto";
import type { WebhookEventMessage } from "@/server/inbound/ingest";
import { ARRIVAL_RUN_PREFIX } from "@/server/pipeline/attempts";
import { applyForRun } from "./apply-run";
import { pushInline } from "./push-run";

/**
 * What apply-webhook's one step does, done by the instance that took the delivery while the
 * delivery's Inngest run waits its 5 s (server/inbound/arrival-attempts.ts): the claim, the apply
 * and the pushes' first attempt, on the fast path's own pool. A push that does not land is handed to push-item as
 * the step would hand it; a failure is thrown to the caller, and the delivery's run does the rest.
 */
export async function applyOnArrival(message: WebhookEventMessage): Promise<void> {
  const { tenantId, webhookEventId } = message;
  const runId = `${ARRIVAL_RUN_PREFIX}${randomUUID()}`;
  const { inline } = await applyForRun({
    tenantId,
    eventIds: [webhookEventId],
    runId,
    attempt: 0,
    replay: false,
    inlinePushes: true,
  });
  if (inline?.length) await pushInline({ tenantId, runId, replay: false, pushes: inline });
}
