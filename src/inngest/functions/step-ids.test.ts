import { InngestTestEngine } from "@inngest/test";
import type { InngestFunction } from "inngest";
import { describe, expect, it } from "vitest";
import { applyWebhook } from "./apply-webhook";
import { applyWebhookBatch } from "./apply-webhook-batch";
import { ensurePlatformSubscription } from "./ensure-platform-subscription";
import { functions } from "./index";
import { notifyAlerts } from "./notify-alerts";
import { deliverOutbound } from "./outbound-deliver";
import { fanOutOutbound } from "./outbound-fan-out";
import { pushChannelBatch } from "./push-channel-batch";
import { pushItem } from "./push-item";
import { reconcileConnection } from "./reconcile-connection";
import { scheduleReconciles } from "./schedule-reconciles";
import { scheduleSubscriptionRenewals } from "./schedule-subscription-renewals";
import { sweepWebhooks } from "./sweep-webhooks";
import { webhookRetention } from "./webhook-retention";

/**
 * Step ids are part of a run's durable state: a deploy that renames one makes every run in
 * flight replay that step (or lose its memoized result). These runs go down each function's main
 * path with every step mocked, and pin the ids they use, in order. Changing an id here means
 * deciding what happens to runs already under way.
 */
type MockedSteps = Record<string, unknown>;

async function stepIdsOf(
  fn: InngestFunction.Like,
  event: { name: string; data: Record<string, unknown> } | null,
  results: MockedSteps,
) {
  const engine = new InngestTestEngine({ function: fn, ...(event ? { events: [event] } : {}) });
  const { result, ctx } = await engine.execute({
    steps: Object.entries(results).map(([id, value]) => ({ id, handler: () => value })),
  });
  const tools = ["run", "sendEvent", "sleep", "sleepUntil"] as const;
  const calls = tools.flatMap((tool) =>
    (ctx.step[tool].mock.calls as unknown[][]).map((call, index) => ({
      tool,
      id: String(call[0]),
      order: ctx.step[tool].mock.invocationCallOrder[index]!,
    })),
  );
  const used = calls.sort((a, b) => a.order - b.order).map((call) => `${call.tool}:${call.id}`);
  // Every step on the path was mocked: none reached a database or a platform.
  expect(calls.map((call) => call.id).filter((id) => !(id in results))).toEqual([]);
  return { used, result };
}

const SENT = { ids: ["sent"] };

describe("Inngest step ids", () => {
  it("every served function lives in the file named by its id", () => {
    expect(functions.map((fn) => fn.id()).sort()).toEqual([
      "apply-webhook",
      "apply-webhook-batch",
      "ensure-platform-subscription",
      "notify-alerts",
      "outbound-deliver",
      "outbound-fan-out",
      "pipeline-probe",
      "push-channel-batch",
      "push-item",
      "reconcile-connection",
      "schedule-reconciles",
      "schedule-subscription-renewals",
      "sweep-webhooks",
      "webhook-retention",
    ]);
  });

  it("apply-webhook: one step that applies the delivery and makes its pushes' first attempts", async () => {
    const summary = { claimed: 1, pushes: 2, statuses: { APPLIED: 1 }, handedOn: 0 };
    const event = {
      name: "stock/webhook.received",
      data: { tenantId: "t1", webhookEventId: "e1", connectionId: "c1" },
    };
    const { used, result } = await stepIdsOf(applyWebhook, event, { "apply-and-push": summary });
    expect(used).toEqual(["run:apply-and-push"]);
    expect(result).toEqual(summary);
  });

  it("apply-webhook-batch: one apply step for the whole batch", async () => {
    const summary = { claimed: 2, pushes: 3, statuses: { APPLIED: 2 }, handedOn: 0 };
    const engine = new InngestTestEngine({
      function: applyWebhookBatch,
      events: [
        { name: "stock/webhook.batched", data: { tenantId: "t1", webhookEventIds: ["e1", "e2"] } },
        { name: "stock/webhook.batched", data: { tenantId: "t1", webhookEventIds: ["e3", "e2"] } },
      ],
    });
    const { result, ctx } = await engine.execute({ steps: [{ id: "apply", handler: () => summary }] });
    expect((ctx.step.run.mock.calls as unknown[][]).map((call) => call[0])).toEqual(["apply"]);
    expect(result).toEqual({ events: 2, deliveries: 3, ...summary });
  });

  it("reconcile-connection: start, one step per page, finish, then the pushes", async () => {
    const run = { id: "r1", tenantId: "t1", connectionId: "c1", mode: "FULL", direction: "SOURCE", updatedSince: null };
    const target = { itemId: "i1", connectionId: "ch1", externalId: "x1" };
    const { used, result } = await stepIdsOf(
      reconcileConnection,
      {
        name: "stock/reconcile.requested",
        data: { tenantId: "t1", connectionId: "c1", mode: "full", trigger: "MANUAL" },
      },
      {
        start: run,
        "page-0": { nextCursor: "next", push: [target] },
        "page-1": { nextCursor: null, push: [] },
        finish: [],
        "push-rows": [{ connectionId: "ch1", pushIds: ["p1"] }],
        "push-changed-items": SENT,
      },
    );
    expect(used).toEqual([
      "run:start",
      "run:page-0",
      "run:page-1",
      "run:finish",
      "run:push-rows",
      "sendEvent:push-changed-items",
    ]);
    expect(result).toEqual({ syncRunId: "r1", pages: 2, pushes: 1 });
  });

  it("schedule-reconciles: find-due, request", async () => {
    const { used } = await stepIdsOf(scheduleReconciles, null, {
      "find-due": [{ tenantId: "t1", connectionId: "c1", mode: "incremental" }],
      request: SENT,
    });
    expect(used).toEqual(["run:find-due", "sendEvent:request"]);
  });

  it("push-item: attempts until one succeeds, sleeping until each retry", async () => {
    const retryAt = new Date(Date.now() + 60_000).toISOString();
    const { used } = await stepIdsOf(
      pushItem,
      { name: "stock/channel.push", data: { tenantId: "t1", itemId: "i1", connectionId: "ch1", externalId: "x1" } },
      {
        "attempt-1": { kind: "failed", pushId: "p1", error: "HTTP 503", retryAt },
        "retry-1": null,
        "attempt-2": { kind: "parked", pushId: "p1", error: "circuit open", until: retryAt },
        "parked-2": null,
        "attempt-3": { kind: "succeeded", pushId: "p1", quantity: 1, status: "AVAILABLE", pushedAt: retryAt },
      },
    );
    expect(used).toEqual([
      "run:attempt-1",
      "sleepUntil:retry-1",
      "run:attempt-2",
      "sleepUntil:parked-2",
      "run:attempt-3",
    ]);
  });

  it("push-item: a push the fast path attempted first waits for its next attempt, then goes on", async () => {
    const at = new Date(Date.now() + 10_000).toISOString();
    const { used } = await stepIdsOf(
      pushItem,
      {
        name: "stock/channel.push",
        data: { tenantId: "t1", itemId: "i1", connectionId: "ch1", externalId: "x1", resume: { number: 2, at } },
      },
      {
        resume: null,
        "attempt-1": { kind: "succeeded", pushId: "p1", quantity: 1, status: "AVAILABLE", pushedAt: at },
      },
    );
    expect(used).toEqual(["sleepUntil:resume", "run:attempt-1"]);
  });

  it("push-item: gives up after the last attempt", async () => {
    const { used } = await stepIdsOf(
      pushItem,
      { name: "stock/channel.push", data: { tenantId: "t1", itemId: "i1", connectionId: "ch1", externalId: "x1" } },
      {
        "attempt-1": { kind: "failed", pushId: "p1", error: "HTTP 503", retryAt: null },
        "give-up": null,
      },
    );
    expect(used).toEqual(["run:attempt-1", "run:give-up"]);
  });

  it("push-channel-batch: one attempt per turn, waits until the rows are due, gives up the exhausted ones", async () => {
    const retryAt = new Date(Date.now() + 60_000).toISOString();
    const { used, result } = await stepIdsOf(
      pushChannelBatch,
      { name: "stock/channel.push-batch", data: { tenantId: "t1", connectionId: "ch1", pushIds: ["p1", "p2", "p3"] } },
      {
        "attempt-1": {
          succeeded: 1,
          calls: 1,
          failed: [
            { pushId: "p2", error: "HTTP 503", retryAt },
            { pushId: "p3", error: "refused", retryAt: null },
          ],
          waiting: null,
        },
        "give-up-1": null,
        "wait-1": null,
        "attempt-2": { succeeded: 1, calls: 1, failed: [], waiting: null },
      },
    );
    expect(used).toEqual(["run:attempt-1", "run:give-up-1", "sleepUntil:wait-1", "run:attempt-2"]);
    expect(result).toEqual({ pushes: 3, succeeded: 2, failed: 1, parked: 0 });
  });

  it("outbound-fan-out: record, deliver", async () => {
    const payload = {
      id: "o1",
      type: "item.sold",
      version: 1,
      timestamp: new Date().toISOString(),
      tenant: { id: "t1", slug: "t" },
      data: {},
    };
    const { used } = await stepIdsOf(
      fanOutOutbound,
      { name: "outbound/event.created", data: { payload } },
      { record: [{ tenantId: "t1", deliveryId: "d1", endpointId: "w1" }], deliver: SENT },
    );
    expect(used).toEqual(["run:record", "sendEvent:deliver"]);
  });

  it("outbound-deliver: attempts with a wait between them", async () => {
    const { used } = await stepIdsOf(
      deliverOutbound,
      { name: "outbound/delivery.requested", data: { tenantId: "t1", deliveryId: "d1", endpointId: "w1" } },
      {
        "attempt-1": { final: false },
        "wait-1": null,
        "attempt-2": { final: true },
      },
    );
    expect(used).toEqual(["run:attempt-1", "sleep:wait-1", "run:attempt-2"]);
  });

  it("schedule-subscription-renewals: find-due, request", async () => {
    const { used } = await stepIdsOf(scheduleSubscriptionRenewals, null, {
      "find-due": [{ tenantId: "t1", connectionId: "c1" }],
      request: SENT,
    });
    expect(used).toEqual(["run:find-due", "sendEvent:request"]);
  });

  it("ensure-platform-subscription: ensure, then reconcile what a repair missed", async () => {
    const { used } = await stepIdsOf(
      ensurePlatformSubscription,
      { name: "connection/subscription.ensure", data: { tenantId: "t1", connectionId: "c1" } },
      { ensure: { repaired: true }, "reconcile-missed": SENT },
    );
    expect(used).toEqual(["run:ensure", "sendEvent:reconcile-missed"]);
  });

  it("sweep-webhooks: find, find-orphans, resend, mark-sent", async () => {
    const candidate = { id: "e1", eventId: "ev1", tenantId: "t1", reason: "unsent" };
    const unstarted = [{ tenantId: "t1", connectionId: "ch1", pushIds: ["p1"], sender: "sweep:1" }];
    const { used, result } = await stepIdsOf(sweepWebhooks, null, {
      find: [candidate],
      "find-orphans": { orphans: [], pushes: [], unstarted },
      resend: SENT,
      "mark-sent": null,
    });
    expect(used).toEqual(["run:find", "run:find-orphans", "sendEvent:resend", "run:mark-sent"]);
    expect(result).toMatchObject({ resent: 1, unstartedPushes: 1 });
    // A run begun before find-orphans returned `unstarted` replays its memoized result without it.
    const begunBefore = await stepIdsOf(sweepWebhooks, null, {
      find: [candidate],
      "find-orphans": { orphans: [], pushes: [] },
      resend: SENT,
      "mark-sent": null,
    });
    expect(begunBefore.used).toEqual(["run:find", "run:find-orphans", "sendEvent:resend", "run:mark-sent"]);
  });

  it("webhook-retention: delete-expired, delete-expired-outbound", async () => {
    const { used } = await stepIdsOf(webhookRetention, null, {
      "delete-expired": {},
      "delete-expired-outbound": { deleted: 0 },
    });
    expect(used).toEqual(["run:delete-expired", "run:delete-expired-outbound"]);
  });

  it("notify-alerts: evaluate, one send step per message and channel (in parallel), record", async () => {
    const opened = { tenantId: "t1", incidentId: "i1", transition: "opened" };
    const resolved = { tenantId: "t1", incidentId: "i2", transition: "resolved" };
    const outcome = { delivered: true };
    const { used } = await stepIdsOf(notifyAlerts, null, {
      evaluate: [
        { ...opened, channel: "email", userId: "u1" },
        { ...opened, channel: "slack" },
        { ...resolved, channel: "slack" },
      ],
      "send-i1-opened-email-u1": outcome,
      "send-i1-opened-slack": outcome,
      "send-i2-resolved-slack": outcome,
      record: null,
    });
    expect(used).toEqual([
      "run:evaluate",
      "run:send-i1-opened-email-u1",
      "run:send-i1-opened-slack",
      "run:send-i2-resolved-slack",
      "run:record",
    ]);
  });

  it("notify-alerts: a quiet minute is one step", async () => {
    const { used } = await stepIdsOf(notifyAlerts, null, { evaluate: [] });
    expect(used).toEqual(["run:evaluate"]);
  });
});
