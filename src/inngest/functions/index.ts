import { applyWebhook } from "./apply-webhook";
import { deliverOutbound, fanOutOutbound } from "./outbound";
import { pipelineProbe } from "./pipeline-probe";
import { ensurePlatformSubscription, scheduleSubscriptionRenewals } from "./platform-subscriptions";
import { pushItem } from "./push";
import { reconcileConnection, scheduleReconciles } from "./reconcile";
import { webhookRetention } from "./retention";
import { sweepWebhooks } from "./sweep-webhooks";

/** Every function the app serves at /api/inngest. */
export const functions = [
  applyWebhook,
  reconcileConnection,
  pushItem,
  scheduleReconciles,
  sweepWebhooks,
  webhookRetention,
  pipelineProbe,
  scheduleSubscriptionRenewals,
  ensurePlatformSubscription,
  fanOutOutbound,
  deliverOutbound,
];
