import { Inngest } from "inngest";

/**
 * The Inngest client. Where events go is configuration, not code: INNGEST_DEV=1 with
 * INNGEST_BASE_URL for the local server (npm run dev sets both), INNGEST_EVENT_KEY and
 * INNGEST_SIGNING_KEY for Inngest Cloud or a self-hosted `inngest start`.
 */
export const inngest = new Inngest({ id: "stockhook" });
