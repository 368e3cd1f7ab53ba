import { Inngest } from "inngest";
import { LogContextMiddleware } from "@/inngest/log-context";
import { logFor } from "@/server/logger";

/**
 * The Inngest client. Where events go is configuration, not code: INNGEST_DEV=1 with
 * INNGEST_BASE_URL for the local server (npm run dev sets both), INNGEST_EVENT_KEY and
 * INNGEST_SIGNING_KEY for Inngest Cloud or a self-hosted `inngest start`. Its logs (the SDK's and
 * the functions' `logger`) are the app's JSON lines, with the run's ids (docs/logging.md).
 */
export const inngest = new Inngest({
  id: "stockhook",
  logger: logFor({ area: "inngest" }),
  middleware: [LogContextMiddleware],
});
