import { env } from "@/env";
import type { BusinessCentralConnector } from "@/server/connectors";
import { connectionsNeedingSubscription, ensureSubscription } from "@/server/connections/platform-subscriptions";
import { db } from "@/server/db";
import { connectorForConnection } from "@/server/pipeline/connector-for";
import { inngest } from "../client";
import { subscriptionEnsureRequested } from "../events";

/**
 * Hourly: every Business Central source whose webhook subscription is missing, lapses within a
 * day, or carries a rotated secret gets `connection/subscription.ensure`. One function run per
 * connection, so one platform's outage retries on its own without holding up the others.
 */
export const scheduleSubscriptionRenewals = inngest.createFunction(
  { id: "schedule-subscription-renewals", triggers: [{ cron: "17 * * * *" }], concurrency: [{ limit: 1 }] },
  async ({ step }) => {
    const due = await step.run("find-due", () => connectionsNeedingSubscription(db));
    if (due.length) await step.sendEvent("request", due.map((target) => subscriptionEnsureRequested.create(target)));
    return { requested: due.length };
  },
);

export const ensurePlatformSubscription = inngest.createFunction(
  {
    id: "ensure-platform-subscription",
    triggers: [subscriptionEnsureRequested],
    retries: 5,
    concurrency: [{ key: "event.data.connectionId", limit: 1 }],
  },
  async ({ event, step }) =>
    step.run("ensure", async () => {
      const connector = (await connectorForConnection(db, event.data.tenantId, event.data.connectionId)) as BusinessCentralConnector;
      const { action, expiresAt } = await ensureSubscription(db, event.data, { connector, appUrl: env().APP_URL });
      return { action, expiresAt: expiresAt.toISOString() };
    }),
);
