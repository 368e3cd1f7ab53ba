import { db } from "@/server/db";
import { attemptPush, MAX_PARKED_TURNS, pushRetryDelaysMs } from "@/server/pipeline/channel-push";
import { giveUpOnePush, giveUpPushRequest } from "@/server/pipeline/push-give-up";
import { inngest } from "../client";
import { channelPush } from "../event-schemas";
import { sendOutboundEvents } from "../outbound-sender";
import { emitLandedPushes, retryingConnector } from "../push-run";

/**
 * stock/channel.push: one item to one storefront, in a run of its own, so a storefront that is
 * down or rate limiting delays only its own pushes — never another channel, item or tenant, and
 * never the delivery that caused it. Each attempt is a step that records its outcome and says
 * when to try again: a failure waits the next retry delay, a 429 exactly its Retry-After, and an
 * open circuit breaker parks the push until the breaker closes without using up an attempt.
 * After the last attempt the push fails for good (and its event becomes replayable). A push the
 * fast path attempted first (`resume`) goes on from its next attempt, when that one is due.
 */
export const pushItem = inngest.createFunction(
  {
    id: "push-item",
    triggers: [channelPush],
    // Attempts are steps that return their failure; these retries cover our own errors (database).
    retries: 3,
    concurrency: [
      // A storefront's API is called by at most five pushes at once.
      { key: "event.data.connectionId", limit: 5 },
      // One item's pushes to one storefront run one at a time, so an older push cannot overwrite a newer one.
      { key: "event.data.connectionId + ':' + event.data.itemId", limit: 1 },
    ],
    onFailure: ({ event, error }) => giveUpPushRequest(db, event.data.event.data, error.message, sendOutboundEvents),
  },
  async ({ event, step, runId }) => {
    const delaysMs = pushRetryDelaysMs();
    const replay = event.data.replay ?? false;
    let number = event.data.resume?.number ?? 1;
    let parked = 0;
    if (event.data.resume) await step.sleepUntil("resume", event.data.resume.at);
    for (let turn = 1; ; turn += 1) {
      const result = await step.run(`attempt-${turn}`, async () => {
        const outcome = await attemptPush(db, retryingConnector, event.data, {
          number,
          delaysMs,
          inngestRunId: runId,
          replay,
        });
        if (outcome.kind === "succeeded")
          await emitLandedPushes(event.data.tenantId, [{ request: event.data, result: outcome }]);
        return outcome;
      });
      if (result.kind === "succeeded") return { pushId: result.pushId, attempts: number, parked };
      if (result.kind === "parked") {
        // A wait for another push of the same item ends when that push does (or its lease expires).
        if (!result.busy) parked += 1;
        if (parked > MAX_PARKED_TURNS) {
          await step.run("give-up", () =>
            giveUpOnePush(db, event.data.tenantId, result.pushId, result.error, sendOutboundEvents),
          );
          return { pushId: result.pushId, failed: result.error };
        }
        await step.sleepUntil(`parked-${turn}`, result.until);
        continue;
      }
      if (!result.retryAt) {
        await step.run("give-up", () =>
          giveUpOnePush(db, event.data.tenantId, result.pushId, result.error, sendOutboundEvents),
        );
        return { pushId: result.pushId, failed: result.error, attempts: number };
      }
      await step.sleepUntil(`retry-${turn}`, result.retryAt);
      number += 1;
    }
  },
);
