import { applyWebhook } from "./apply-webhook";
import { pipelineProbe } from "./pipeline-probe";
import { sweepWebhooks } from "./sweep-webhooks";

/** Every function the app serves at /api/inngest. */
export const functions = [applyWebhook, sweepWebhooks, pipelineProbe];
