import { pipelineProbe } from "./pipeline-probe";

/** Every function the app serves at /api/inngest. */
export const functions = [pipelineProbe];
