import { db } from "@/server/db";
import type { SourceConnector } from "@/server/connectors";
import type { ApplyOutcome } from "@/server/inventory/apply-change";
import { recordAttempt, isReplayEventId } from "@/server/pipeline/attempts";
import { preparePushes, type PushJob } from "@/server/pipeline/channel-push";
import { connectorForConnection } from "@/server/connectors/tenant-connector";
import { appliedChanges, emitStockChanges } from "@/server/outbound/emit";
import {
  applyResolvedChange,
  claimWebhookEvent,
  recordFailure,
  recordVerdict,
  resolveChange,
  restoreVerdict,
  verdictOf,
  type ClaimedEvent,
} from "@/server/pipeline/webhook-processing";
import { inngest } from "../client";
import { channelPush, reconcileRequested, webhookReceived } from "../event-schemas";
import { reconcileForCollection } from "@/server/connections/collection-reconcile";
import { sendOutboundEvents } from "../outbound-sender";

const sourceFor = async (tenantId: string, connectionId: string) =>
  (await connectorForConnection(db, tenantId, connectionId)) as SourceConnector;

/**
 * stock/webhook.received: claim the stored delivery, apply each change it reports (one step and
 * one transaction per change, so a retry never applies one twice; a delivery that carries no
 * stock has the item fetched from the source first), record the verdict, then hand each changed
 * item to every linked storefront as its own `push-item` run. The pushes are not steps of this
 * run: a storefront that is down retries in its own run and never holds up another storefront,
 * this item's next delivery, or anyone else. Per-tenant concurrency caps one tenant's running
 * deliveries, per-item concurrency runs one product's deliveries one at a time, and the item row
 * lock inside the transaction is the guarantee.
 */
export const applyWebhook = inngest.createFunction(
  {
    id: "apply-webhook",
    triggers: [webhookReceived],
    retries: 6,
    // Per tenant: a cap on one tenant's running deliveries. Per item: one product's deliveries
    // run one at a time (see item-key.ts); events sent before itemKey existed share their connection's key.
    concurrency: [
      { key: "event.data.tenantId", limit: 10 },
      { key: "has(event.data.itemKey) ? event.data.itemKey : event.data.connectionId", limit: 1 },
    ],
    onFailure: async ({ event, error }) => {
      await recordFailure(db, event.data.event.data.webhookEventId, error.message);
    },
  },
  async ({ event, step, attempt, runId }) => {
    const { tenantId, webhookEventId } = event.data;
    const replay = isReplayEventId(event.id);
    const claimed = await step.run("claim", () => claimWebhookEvent(db, tenantId, webhookEventId, attempt, runId));
    if (!claimed) return { skipped: "the event no longer exists" };
    if (claimed.alreadyFinal) return { skipped: "already processed" };
    // Business Central's "too many changes to list" notification: reconcile the connection instead.
    const collection =
      !claimed.keptVerdict && claimed.changes.length === 0
        ? await step.run("collection", () => reconcileForCollection(db, tenantId, webhookEventId))
        : null;
    if (collection) await step.sendEvent("reconcile-collection", reconcileRequested.create(collection));
    const startedAt = new Date().toISOString();
    const processingAttempt = (outcome: string, extra: { detail?: string; error?: string; itemId?: string }) =>
      recordAttempt(db, {
        tenantId,
        kind: "PROCESSING",
        webhookEventId,
        connectionId: claimed.connectionId,
        number: attempt + 1,
        outcome,
        replay,
        inngestRunId: runId,
        startedAt: new Date(startedAt),
        ...extra,
      });

    const sendPushes = async (jobs: PushJob[]) => {
      if (!jobs.length) return;
      await inngest.send(
        jobs.map((job) =>
          channelPush.create(
            { tenantId, webhookEventId, ...job, ...(replay ? { replay } : {}) },
            { id: `push:${runId}:${job.pushId}` },
          ),
        ),
      );
    };

    const outcomes: ApplyOutcome[] = [];
    for (const [index, change] of claimed.changes.entries()) {
      outcomes.push(
        await step.run(`apply-${index}`, async () => {
          try {
            return await applyResolvedChange(db, claimed, await resolveChange(claimed, change, sourceFor));
          } catch (error) {
            // Each failed attempt is on record with its error, not only the last one.
            await processingAttempt("FAILED", { error: error instanceof Error ? error.message : String(error) }).catch(
              () => undefined,
            );
            throw error;
          }
        }),
      );
    }

    // The push events go out inside the step that records the verdict, before the verdict is
    // written: a run lost after recording can leave no push unsent. Their ids carry this run's id,
    // so a retry of the step sends nothing twice and a replay (a new run) sends anew.
    const pushes = await step.run("record", async () => {
      if (claimed.keptVerdict) {
        const jobs = await preparePushes(db, tenantId, { webhookEventId }, claimed.unpushedItemIds);
        await sendPushes(jobs);
        await restoreVerdict(db, claimed.id, claimed.keptVerdict.status);
        await processingAttempt(claimed.keptVerdict.status, {
          detail: `Already applied (${claimed.keptVerdict.action ?? "no action recorded"}); only storefronts not yet updated are pushed again`,
          itemId: claimed.keptVerdict.itemId ?? undefined,
        });
        return jobs.length;
      }
      const verdict = verdictOf(outcomes);
      const jobs = await preparePushes(db, tenantId, { webhookEventId }, changedItemIds(claimed, outcomes));
      await sendPushes(jobs);
      await recordVerdict(db, claimed.id, verdict);
      await processingAttempt(verdict.status, { detail: verdict.action, itemId: verdict.itemId });
      // Best effort and bounded (see emit.ts): tenants' webhooks never fail or delay the stock pipeline.
      await emitStockChanges(
        db,
        tenantId,
        appliedChanges(outcomes),
        { kind: "webhook", connectionId: claimed.connectionId, webhookEventId },
        sendOutboundEvents,
      );
      return jobs.length;
    });
    return { status: claimed.keptVerdict?.status ?? verdictOf(outcomes).status, pushes };
  },
);

function changedItemIds(claimed: ClaimedEvent, outcomes: ApplyOutcome[]): string[] {
  return [
    ...new Set([...outcomes.flatMap((o) => (o.kind === "applied" ? [o.itemId] : [])), ...claimed.unpushedItemIds]),
  ];
}
