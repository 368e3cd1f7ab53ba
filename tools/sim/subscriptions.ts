import { type SimItem } from "./catalogue";
import { applyStockChange, type StockChangeKind } from "./http";
import { providerSim } from "./providers";
import { type SimStore } from "./store";

/**
 * Webhook subscriptions held by a simulated store, delivered to on every stock change made at the
 * store, and dropped the way each platform drops them:
 * - WooCommerce tries once per event; each failure counts, a success resets the count, and the
 *   hook is `disabled` once failures exceed `maxDeliveryFailures` (WooCommerce's
 *   `woocommerce_max_webhook_delivery_failures`, default 5).
 * - BigCommerce retries on its schedule (60 s … 24 h, about 48 h in all) and then sets the hook
 *   `is_active: false`; it does the same to a hook that has had nothing to send for 90 days.
 * - Shopify retries 8 times over 4 hours and then removes the subscription.
 * `deliveryRetryWindowMs` compresses BigCommerce's and Shopify's schedules so tests see the end.
 */
export interface SimHook {
  id: number;
  topic: string;
  address: string;
  /** WooCommerce's signing secret; Shopify signs with the app's client secret instead. */
  secret: string;
  /** BigCommerce's custom headers, sent with every delivery (names lower-cased). */
  headers: Record<string, string>;
  active: boolean;
  /** WooCommerce's own word for why it is inactive. */
  status: "active" | "paused" | "disabled";
  failureCount: number;
  deliveries: number;
  /** When the hook last had an event to send, or was switched on: BigCommerce's idle clock. */
  lastEventAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeliveryOutcome {
  hookId: number;
  topic: string;
  status: number | "failed";
  ok: boolean;
}

/** Seconds between BigCommerce's retries (its webhooks overview); about 48 h in total. */
export const BIGCOMMERCE_RETRY_SCHEDULE_S = [60, 180, 300, 600, 900, 1_800, 3_600, 7_200, 21_600, 50_400, 86_400];
/** BigCommerce deactivates a hook idle for this long (its webhooks overview). */
export const BIGCOMMERCE_IDLE_DEACTIVATION_MS = 90 * 24 * 60 * 60_000;
/** Shopify: 8 retries over 4 hours. */
export const SHOPIFY_RETRY_SCHEDULE_S = [10, 30, 60, 300, 900, 1_800, 3_600, 7_700];

const HOOKS = "subscriptions:hooks";
const NEXT_ID = "subscriptions:next-id";
const TIMERS = "subscriptions:timers";

export function hooksOf(store: SimStore): Map<number, SimHook> {
  if (!store.extra.has(HOOKS)) store.extra.set(HOOKS, new Map<number, SimHook>());
  return store.extra.get(HOOKS) as Map<number, SimHook>;
}

function timersOf(store: SimStore): Set<NodeJS.Timeout> {
  if (!store.extra.has(TIMERS)) store.extra.set(TIMERS, new Set<NodeJS.Timeout>());
  return store.extra.get(TIMERS) as Set<NodeJS.Timeout>;
}

export function addHook(
  store: SimStore,
  hook: Pick<SimHook, "topic" | "address" | "secret" | "headers"> & { active?: boolean },
): SimHook {
  const id = (store.extra.get(NEXT_ID) as number | undefined) ?? 1;
  store.extra.set(NEXT_ID, id + 1);
  const now = new Date();
  const created: SimHook = {
    id,
    topic: hook.topic,
    address: hook.address,
    secret: hook.secret,
    headers: lowerCased(hook.headers),
    active: hook.active ?? true,
    status: hook.active === false ? "paused" : "active",
    failureCount: 0,
    deliveries: 0,
    lastEventAt: now,
    createdAt: now,
    updatedAt: now,
  };
  hooksOf(store).set(id, created);
  return created;
}

export function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}

/** Switches a hook on or off as the platform's API does; switching on clears the failure count. */
export function setHookActive(
  hook: SimHook,
  active: boolean,
  status: SimHook["status"] = active ? "active" : "paused",
) {
  hook.active = active;
  hook.status = status;
  hook.updatedAt = new Date();
  if (active) {
    hook.failureCount = 0;
    hook.lastEventAt = hook.updatedAt;
  }
}

/** BigCommerce's idle rule: an active hook with nothing to send for 90 days is switched off. */
export function deactivateIdleHooks(store: SimStore, now = new Date()) {
  if (store.provider !== "bigcommerce") return;
  for (const hook of hooksOf(store).values())
    if (hook.active && now.getTime() - hook.lastEventAt.getTime() >= BIGCOMMERCE_IDLE_DEACTIVATION_MS) {
      setHookActive(hook, false);
      store.count("webhook:subscription-deactivated");
    }
}

/**
 * Time passing with nothing to send: every hook's idle clock moves back by `ms` and the idle rule
 * runs, so a test sees a 90-day silence without waiting for it.
 */
export function passIdleTime(store: SimStore, ms: number) {
  for (const hook of hooksOf(store).values()) hook.lastEventAt = new Date(hook.lastEventAt.getTime() - ms);
  deactivateIdleHooks(store);
}

/** Stops pending retries (the simulator is closing or the store is reset). */
export function cancelRetries(store: SimStore) {
  for (const timer of timersOf(store)) clearTimeout(timer);
  timersOf(store).clear();
}

/**
 * A stock change at the store (a till sale, a return, a restock, an adjustment in the admin),
 * delivered to every active subscription for its topic. Returns the first attempt of each.
 */
export async function changeAndNotify(
  store: SimStore,
  input: { kind: StockChangeKind; sku: string; quantity?: number; origin: string },
): Promise<{ item: SimItem; deliveries: DeliveryOutcome[] }> {
  const item = store.itemBySku(input.sku);
  if (!item) throw new RangeError(`${store.key} has no item with sku ${input.sku}`);
  const changed = applyStockChange(store, item, input.kind, input.quantity);
  const deliveries = await notifySubscribers(
    store,
    changed,
    input.kind,
    input.origin,
    changed.quantity - item.quantity,
  );
  return { item: changed, deliveries };
}

export async function notifySubscribers(
  store: SimStore,
  item: SimItem,
  kind: StockChangeKind,
  origin: string,
  delta?: number,
): Promise<DeliveryOutcome[]> {
  const sim = providerSim(store.provider);
  const outcomes: DeliveryOutcome[] = [];
  deactivateIdleHooks(store);
  for (const hook of [...hooksOf(store).values()]) {
    if (!hook.active) continue;
    const outgoing = await sim.webhook(store, item, {
      kind,
      secret: hook.secret || store.credentials.secret,
      targetUrl: hook.address,
      origin,
      hook,
      delta,
    });
    if (outgoing.topic !== hook.topic) continue;
    hook.lastEventAt = new Date();
    const request = {
      body: outgoing.body,
      headers: {
        "content-type": "application/json",
        "user-agent": `Stockhook-Simulator/${store.provider}`,
        ...outgoing.headers,
        ...hook.headers,
      },
    };
    outcomes.push(await attempt(store, hook, request, 0));
  }
  return outcomes;
}

async function attempt(
  store: SimStore,
  hook: SimHook,
  request: { body: string; headers: Record<string, string> },
  retry: number,
): Promise<DeliveryOutcome> {
  hook.deliveries += 1;
  let status: number | "failed" = "failed";
  if (!store.controls.failDeliveries) {
    try {
      const response = await fetch(hook.address, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        redirect: "manual",
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = "failed";
    }
  }
  // WooCommerce counts 200–302 as delivered; the others want a 2xx.
  const ok =
    typeof status === "number" &&
    (store.provider === "woocommerce" ? status >= 200 && status <= 302 : status >= 200 && status < 300);
  store.count(ok ? "webhook:delivered" : "webhook:failed");
  if (ok) {
    hook.failureCount = 0;
    return { hookId: hook.id, topic: hook.topic, status, ok };
  }
  hook.failureCount += 1;
  onFailure(store, hook, request, retry);
  return { hookId: hook.id, topic: hook.topic, status, ok };
}

function onFailure(
  store: SimStore,
  hook: SimHook,
  request: { body: string; headers: Record<string, string> },
  retry: number,
) {
  if (store.provider === "woocommerce") {
    if (hook.failureCount > store.controls.maxDeliveryFailures) setHookActive(hook, false, "disabled");
    return;
  }
  const schedule = store.provider === "bigcommerce" ? BIGCOMMERCE_RETRY_SCHEDULE_S : SHOPIFY_RETRY_SCHEDULE_S;
  if (retry >= schedule.length) {
    // The retry window is over.
    if (store.provider === "shopify") hooksOf(store).delete(hook.id);
    else setHookActive(hook, false);
    store.count(store.provider === "shopify" ? "webhook:subscription-removed" : "webhook:subscription-deactivated");
    return;
  }
  const windowS = schedule.reduce((sum, seconds) => sum + seconds, 0);
  const scale = (store.controls.deliveryRetryWindowMs ?? windowS * 1000) / (windowS * 1000);
  const timers = timersOf(store);
  const timer = setTimeout(
    () => {
      timers.delete(timer);
      if (hooksOf(store).get(hook.id) === hook && hook.active) void attempt(store, hook, request, retry + 1);
    },
    Math.max(1, Math.round((schedule[retry] ?? 60) * 1000 * scale)),
  );
  timer.unref();
  timers.add(timer);
}
