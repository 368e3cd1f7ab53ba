import { db } from "@/server/db";
import { dueReconciles } from "@/server/inventory/schedule";
import { inngest } from "../client";
import { reconcileRequested } from "../event-schemas";

/** Every 5 minutes: start the reconciles whose schedule (1h/3h/6h/12h/24h) is due. */
export const scheduleReconciles = inngest.createFunction(
  { id: "schedule-reconciles", triggers: [{ cron: "*/5 * * * *" }], concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const due = await step.run("find-due", () => dueReconciles(db));
    if (due.length)
      await step.sendEvent(
        "request",
        due.map((d) => reconcileRequested.create({ ...d, trigger: "SCHEDULE" })),
      );
    return { requested: due.length };
  },
);
