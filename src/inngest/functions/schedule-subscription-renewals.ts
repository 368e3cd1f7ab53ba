import { connectionsNeedingSubscription } from "@/server/connections/platform-subscriptions";
import { db } from "@/server/db";
import { inngest } from "../client";
import { subscriptionEnsureRequested } from "../event-schemas";

/**
 * Hourly: every source whose platform takes webhook subscriptions through its API gets
 * `connection/subscription.ensure` (Business Central only when its subscription lapses within a
 * day or carries a rotated secret). One function run per connection, so one platform's outage
 * retries on its own without holding up the others.
 */
export const scheduleSubscriptionRenewals = inngest.createFunction(
  { id: "schedule-subscription-renewals", triggers: [{ cron: "17 * * * *" }], concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const due = await step.run("find-due", () => connectionsNeedingSubscription(db));
    if (due.length)
      await step.sendEvent(
        "request",
        due.map((target) => subscriptionEnsureRequested.create(target)),
      );
    return { requested: due.length };
  },
);
