import { applyWebhook } from "./apply-webhook";
import { applyWebhookBatch } from "./apply-webhook-batch";
import { deliverOutbound } from "./outbound-deliver";
import { fanOutOutbound } from "./outbound-fan-out";
import { notifyAlerts } from "./notify-alerts";
import { pipelineProbe } from "./pipeline-probe";
import { ensurePlatformSubscription } from "./ensure-platform-subscription";
import { scheduleSubscriptionRenewals } from "./schedule-subscription-renewals";
import { pushChannelBatch } from "./push-channel-batch";
import { pushItem } from "./push-item";
import { reconcileConnection } from "./reconcile-connection";
import { scheduleReconciles } from "./schedule-reconciles";
import { webhookRetention } from "./webhook-retention";
import { sweepWebhooks } from "./sweep-webhooks";

/** Every function the app serves at /api/inngest; each lives in the file named by its id. */
export const functions = [
  applyWebhook,
  applyWebhookBatch,
  reconcileConnection,
  pushItem,
  pushChannelBatch,
  scheduleReconciles,
  sweepWebhooks,
  webhookRetention,
  pipelineProbe,
  scheduleSubscriptionRenewals,
  ensurePlatformSubscription,
  fanOutOutbound,
  deliverOutbound,
  notifyAlerts,
];
