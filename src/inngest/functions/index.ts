import { applyWebhook } from "./apply-webhook";
import { pipelineProbe } from "./pipeline-probe";
import { webhookRetention } from "./retention";
import { sweepWebhooks } from "./sweep-webhooks";

/** Every function the app serves at /api/inngest. */
export const functions = [applyWebhook, sweepWebhooks, webhookRetention, pipelineProbe];
