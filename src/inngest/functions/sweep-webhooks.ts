import { env } from "@/env";
import { db } from "@/server/db";
import { lookupInngestRun } from "@/server/event-log/inngest-run";
import { findEventsToResend, findOrphanedEvents, markOrphansResent, markSent } from "@/server/pipeline/sweeper";
import { inngest } from "../client";
import { webhookBatched } from "../event-schemas";

/**
 * Every minute: hand over (to the batched apply path) acknowledged events that never reached the pipeline, whose run died
 * under them (asked of the Inngest server's API), or that got stuck.
 */
export const sweepWebhooks = inngest.createFunction(
  { id: "sweep-webhooks", triggers: [{ cron: "* * * * *" }], concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const candidates = await step.run("find", () => findEventsToResend(db, new Date()));
    const orphans = await step.run("find-orphans", () => {
      const { INNGEST_BASE_URL, INNGEST_SIGNING_KEY, INNGEST_DEV } = env();
      const config = { baseUrl: INNGEST_BASE_URL, signingKey: INNGEST_SIGNING_KEY, dev: Boolean(INNGEST_DEV) };
      return findOrphanedEvents(db, new Date(), (runId) => lookupInngestRun(runId, config));
    });
    const resend = [...candidates, ...orphans];
    if (resend.length === 0) return { resent: 0 };
    await step.sendEvent(
      "resend",
      resend.map((c) =>
        // Batched: a sweep re-sends many at once, and the claim makes a re-send of a live event harmless.
        webhookBatched.create(
          { tenantId: c.tenantId, connectionId: c.connectionId, webhookEventId: c.id, itemKey: c.itemKey },
          { id: c.eventId },
        ),
      ),
    );
    await step.run("mark-sent", async () => {
      const now = new Date();
      await markSent(
        db,
        candidates.map((c) => c.id),
        now,
      );
      await markOrphansResent(
        db,
        orphans.map((c) => c.id),
        now,
      );
    });
    return {
      resent: resend.length,
      unsent: candidates.filter((c) => c.reason === "unsent").length,
      stuck: candidates.filter((c) => c.reason === "stuck").length,
      orphaned: orphans.length,
    };
  },
);
