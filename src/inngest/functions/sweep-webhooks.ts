import { env } from "@/env";
import { db } from "@/server/db";
import { lookupInngestRun } from "@/server/event-log/inngest-run";
import {
  findEventsToResend,
  findOrphanedEvents,
  findOrphanedPushes,
  findUnstartedPushes,
  forgetOldHandOvers,
  markOrphansResent,
  markSent,
  resendEvents,
  sweepRunLookup,
} from "@/server/pipeline/sweeper";
import { inngest } from "../client";
import { channelPush, webhookBatched } from "../event-schemas";
import { storefrontBatchEvent } from "../push-run";

/**
 * Every minute: hand over (to the batched apply path) acknowledged events that never reached the pipeline, whose run died
 * under them (asked of the Inngest server's API), or that got stuck; hand storefront pushes whose run died back to
 * push-item, and those whose event no run ever took to a bulk push.
 */
export const sweepWebhooks = inngest.createFunction(
  { id: "sweep-webhooks", triggers: [{ cron: "* * * * *" }], concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const candidates = await step.run("find", async () => {
      const now = new Date();
      await forgetOldHandOvers(db, now);
      return findEventsToResend(db, now);
    });
    // `unstarted` is absent from this step's memoized result in runs begun before it was added.
    const {
      orphans,
      pushes,
      unstarted = [],
    } = await step.run("find-orphans", async () => {
      const { INNGEST_BASE_URL, INNGEST_SIGNING_KEY, INNGEST_DEV, STOCKHOOK_ORPHANED_AFTER_MS } = env();
      const config = { baseUrl: INNGEST_BASE_URL, signingKey: INNGEST_SIGNING_KEY, dev: Boolean(INNGEST_DEV) };
      // Events and pushes share the lookups: a run is asked about once per sweep.
      const lookup = sweepRunLookup((runId) => lookupInngestRun(runId, config));
      const now = new Date();
      return {
        orphans: await findOrphanedEvents(db, now, lookup, STOCKHOOK_ORPHANED_AFTER_MS),
        pushes: await findOrphanedPushes(db, now, lookup, STOCKHOOK_ORPHANED_AFTER_MS),
        unstarted: await findUnstartedPushes(db, now),
      };
    });
    const resend = [...candidates, ...orphans];
    if (resend.length === 0 && pushes.length === 0 && unstarted.length === 0)
      return { resent: 0, pushes: 0, unstartedPushes: 0 };
    await step.sendEvent("resend", [
      // Batched: a sweep re-sends many at once, and the claim makes a re-send of a live event harmless.
      ...resendEvents(resend).map(({ id, ...data }) => webhookBatched.create(data, { id })),
      // The event push-item consumes; its per-(storefront, item) concurrency keeps one push at a time.
      ...pushes.map(({ eventId, ...push }) => channelPush.create(push, { id: eventId })),
      ...unstarted.map(({ tenantId, sender, ...rows }) => storefrontBatchEvent(tenantId, sender, rows)),
    ]);
    await step.run("mark-sent", async () => {
      const now = new Date();
      await markSent(
        db,
        candidates.map((c) => c.id),
        now,
      );
      await markOrphansResent(db, orphans, now);
    });
    return {
      resent: resend.length,
      unsent: candidates.filter((c) => c.reason === "unsent").length,
      stuck: candidates.filter((c) => c.reason === "stuck").length,
      orphaned: orphans.length,
      pushes: pushes.length,
      unstartedPushes: unstarted.reduce((total, chunk) => total + chunk.pushIds.length, 0),
    };
  },
);
