import { db } from "@/server/db";
import {
  defaultDeps,
  deliveryStepId,
  errorMessage,
  isRetryable,
  logDeliveryFailure,
  planAllTenants,
  recordDeliveries,
  sendDelivery,
  type DeliveryOutcome,
} from "@/server/notifications/deliveries";
import { inngest } from "../client";

const RETRIES = 3;

/**
 * Every minute: per tenant, the Overview's alerts are diffed against its open incidents and the
 * messages now due (an incident opened, or resolved past its hold-down window) go out by email to
 * owners and admins and to the tenant's Slack URL. Each message on each channel is its own step,
 * run in parallel: a failing send is retried on its own (Inngest step retry) and, once the retries
 * are spent, logged and recorded as not delivered, so it never holds up another tenant's messages
 * nor comes back every minute. One run at a time, so an incident is never sent twice.
 */
export const notifyAlerts = inngest.createFunction(
  { id: "notify-alerts", triggers: [{ cron: "* * * * *" }], concurrency: [{ limit: 1 }], retries: RETRIES },
  async ({ step, attempt, maxAttempts }) => {
    const planned = await step.run("evaluate", () => planAllTenants(db));
    const outcomes: DeliveryOutcome[] = await Promise.all(
      planned.map((delivery) =>
        step.run(deliveryStepId(delivery), async (): Promise<DeliveryOutcome> => {
          try {
            return await sendDelivery(db, delivery, defaultDeps());
          } catch (error) {
            const final = !isRetryable(error) || attempt + 1 >= (maxAttempts ?? RETRIES + 1);
            logDeliveryFailure(delivery, error, final);
            if (!final) throw error;
            return { ...delivery, delivered: false, error: errorMessage(error) };
          }
        }),
      ),
    );
    if (outcomes.length) await step.run("record", () => recordDeliveries(db, outcomes));
    return { sent: outcomes.filter((o) => o.delivered).length, failed: outcomes.filter((o) => o.error).length };
  },
);
