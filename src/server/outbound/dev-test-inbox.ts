import { env } from "@/env";

/**
 * The built-in test inbox of `npm run dev`: an endpoint inside the app itself that records what
 * Stockhook sends it, so outbound webhooks can be tried with no receiver of one's own. It exists
 * only when NODE_ENV is development (scripts/dev.ts puts the app's own address on the outbound
 * allow-list); in production its route answers 404 and the Webhooks page does not mention it.
 * What it received lives in memory, newest first, and is lost on restart.
 */
export interface InboxDelivery {
  receivedAt: Date;
  /** webhook-id, webhook-timestamp and the signature, as sent. */
  headers: Record<string, string>;
  body: string;
}

const KEEP = 50;
const STORE_KEY = Symbol.for("stockhook.devTestInbox");
type Store = Map<string, InboxDelivery[]>;

/** One store for the route handler and the page, whichever module copy Next.js loaded. */
function store(): Store {
  const holder = globalThis as { [STORE_KEY]?: Store };
  holder[STORE_KEY] ??= new Map();
  return holder[STORE_KEY];
}

export function devTestInboxEnabled(): boolean {
  return env().NODE_ENV === "development";
}

/** The inbox's URL (to paste as an endpoint) and page, or null outside development. */
export function devTestInbox(slug: string): { url: string; pagePath: string } | null {
  if (!devTestInboxEnabled()) return null;
  return {
    url: `${env().APP_URL.replace(/\/$/, "")}/api/dev/inbox/${encodeURIComponent(slug)}`,
    pagePath: `/t/${slug}/webhooks/inbox`,
  };
}

const KEPT_HEADERS = ["content-type", "user-agent", "webhook-id", "webhook-timestamp", "webhook-signature"];

export function recordInboxDelivery(slug: string, headers: Headers, body: string, now = new Date()): void {
  const kept = Object.fromEntries(
    KEPT_HEADERS.flatMap((name) => {
      const value = headers.get(name);
      return value === null ? [] : [[name, value]];
    }),
  );
  const list = store().get(slug) ?? [];
  store().set(slug, [{ receivedAt: now, headers: kept, body }, ...list].slice(0, KEEP));
}

export function inboxDeliveries(slug: string): InboxDelivery[] {
  return store().get(slug) ?? [];
}
