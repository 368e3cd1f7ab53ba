import { env } from "@/env";
import { ensureConnectionSubscriptions, markSubscriptionsFailed } from "@/server/connections/platform-subscriptions";
import { db } from "@/server/db";
import { connectorForConnection } from "@/server/connectors/tenant-connector";
import { inngest } from "../client";
import { reconcileRequested, subscriptionEnsureRequested } from "../event-schemas";

/**
 * Makes, checks and repairs one connection's subscriptions. A repair means the platform stopped
 * delivering for a while, so an incremental reconcile picks up what changed meanwhile. After the
 * last retry the subscriptions are shown as failed (Overview alert, audit row).
 */
export const ensurePlatformSubscription = inngest.createFunction(
  {
    id: "ensure-platform-subscription",
    triggers: [subscriptionEnsureRequested],
    retries: 5,
    concurrency: [{ key: "event.data.connectionId", limit: 1 }],
    onFailure: async ({ event, error }) => {
      await markSubscriptionsFailed(db, event.data.event.data, error.message, { appUrl: env().APP_URL });
    },
  },
  async ({ event, step }) => {
    const result = await step.run("ensure", async () => {
      const connector = await connectorForConnection(db, event.data.tenantId, event.data.connectionId);
      return ensureConnectionSubscriptions(db, event.data, { connector, appUrl: env().APP_URL });
    });
    if (result.repaired) {
      await step.sendEvent(
        "reconcile-missed",
        reconcileRequested.create({ ...event.data, mode: "incremental", trigger: "WEBHOOK" }),
      );
    }
    return result;
  },
);
