import { db } from "@/server/db";
import { channelTargets, failPendingPushes } from "@/server/pipeline/channel-push";
import type { SourceConnector } from "@/server/connectors";
import { connectorForConnection } from "@/server/pipeline/connector-for";
import { appliedChanges, emitPushFailures, emitStockChanges } from "@/server/outbound/emit";
import { applyResolvedChange, claimWebhookEvent, recordFailure, recordVerdict, resolveChange, verdictOf } from "@/server/pipeline/webhook-processing";
import { inngest } from "../client";
import { reconcileRequested, webhookReceived } from "../events";
import { reconcileForCollection } from "@/server/connections/collection-reconcile";
import { sendOutboundEvents } from "./outbound";
import { pushOrWait } from "./push";

const sourceFor = async (tenantId: string, connectionId: string) => (await connectorForConnection(db, tenantId, connectionId)) as SourceConnector;

/**
 * stock/webhook.received: claim the stored delivery, apply each change it reports (one step and
 * one transaction per change, so a retry never applies one twice; a delivery that carries no
 * stock has the item fetched from the source first), record the verdict, then push
 * the item to every linked storefront, one step per channel so each retries on its own (a 429
 * waits exactly its Retry-After; an open circuit breaker waits until it closes). Per-tenant
 * concurrency keeps one tenant's burst from starving the others, per-item concurrency runs one
 * product's deliveries one at a time, and the item row lock inside the transaction is the guarantee.
 */
export const applyWebhook = inngest.createFunction(
  {
    id: "apply-webhook",
    triggers: [webhookReceived],
    retries: 6,
    // Per tenant: one tenant's burst cannot starve the others. Per item: one product's deliveries
    // run one at a time (see item-key.ts); events sent before itemKey existed share their connection's key.
    concurrency: [
      { key: "event.data.tenantId", limit: 10 },
      { key: "has(event.data.itemKey) ? event.data.itemKey : event.data.connectionId", limit: 1 },
    ],
    onFailure: async ({ event, error }) => {
      const { tenantId, webhookEventId } = event.data.event.data;
      await recordFailure(db, webhookEventId, error.message);
      await failPendingPushes(db, tenantId, webhookEventId, error.message);
      await emitPushFailures(db, tenantId, { webhookEventId }, sendOutboundEvents);
    },
  },
  async ({ event, step, attempt, runId }) => {
    const { tenantId, webhookEventId } = event.data;
    const claimed = await step.run("claim", () => claimWebhookEvent(db, tenantId, webhookEventId, attempt, runId));
    if (!claimed) return { skipped: "the event no longer exists" };
    if (claimed.alreadyFinal && claimed.unpushedItemIds.length === 0) return { skipped: "already processed" };
    // Business Central's "too many changes to list" notification: reconcile the connection instead.
    const collection = claimed.changes.length === 0 ? await step.run("collection", () => reconcileForCollection(db, tenantId, webhookEventId)) : null;
    if (collection) await step.sendEvent("reconcile-collection", reconcileRequested.create(collection));
    const outcomes = [];
    for (const [index, change] of claimed.changes.entries()) {
      outcomes.push(await step.run(`apply-${index}`, async () => applyResolvedChange(db, claimed, await resolveChange(claimed, change, sourceFor))));
    }
    const verdict = verdictOf(outcomes);
    if (!claimed.alreadyFinal) {
      const applied = appliedChanges(outcomes);
      await step.run("record", async () => {
        await recordVerdict(db, claimed.id, verdict);
        // Best effort and bounded (see emit.ts): tenants' webhooks never fail or delay the stock pipeline.
        await emitStockChanges(db, tenantId, applied, { kind: "webhook", connectionId: claimed.connectionId, webhookEventId }, sendOutboundEvents);
      });
    }

    const changedItems = [...new Set([...outcomes.flatMap((o) => (o.kind === "applied" ? [o.itemId] : [])), ...claimed.unpushedItemIds])];
    const pushes = [];
    for (const itemId of changedItems) {
      const targets = await step.run(`targets-${itemId}`, () => channelTargets(db, tenantId, itemId));
      for (const target of targets) {
        pushes.push(await step.run(`push-${itemId}-${target.connectionId}`, () => pushOrWait({ tenantId, itemId, webhookEventId, ...target })));
      }
    }
    return { ...verdict, pushes: pushes.length };
  },
);
