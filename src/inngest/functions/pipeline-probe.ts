import { NonRetriableError } from "inngest";
import { db } from "@/server/db";
import { inngest } from "../client";
import { pipelineProbeRequested } from "../event-schemas";

/**
 * Proves the durable pipeline end to end: the probe fails on purpose for its first
 * `failAttempts` attempts, so a succeeded probe with attempts = failAttempts + 1 shows that the
 * Inngest server delivered the event and retried the failures.
 */
export const pipelineProbe = inngest.createFunction(
  { id: "pipeline-probe", triggers: [pipelineProbeRequested], retries: 4 },
  async ({ event, attempt }) => {
    const probe = await db.pipelineProbe
      .update({
        where: { id: event.data.probeId },
        data: { attempts: { increment: 1 } },
      })
      .catch(() => null);
    if (!probe) throw new NonRetriableError(`Probe ${event.data.probeId} does not exist`);
    if (probe.attempts <= probe.failAttempts) {
      const message = `Deliberate failure ${probe.attempts} of ${probe.failAttempts} (Inngest attempt ${attempt})`;
      await db.pipelineProbe.update({ where: { id: probe.id }, data: { lastError: message } });
      throw new Error(message);
    }
    await db.pipelineProbe.update({ where: { id: probe.id }, data: { succeededAt: new Date() } });
    return { attempts: probe.attempts, inngestAttempt: attempt };
  },
);
