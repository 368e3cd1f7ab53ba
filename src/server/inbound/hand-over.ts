import type { WebhookEventMessage } from "./ingest";
import { KeyedSendBatcher, SendBatcher, type BatchLimits } from "./send-batcher";
import type { Lane } from "./tenant-lanes";

/** A gathered event: its id (its first delivery's) and the deliveries it names. */
export interface HandOverRecord {
  id: string;
  tenantId: string;
  webhookEventIds: string[];
}

interface FastHandOver {
  lane: "fast";
  id: string;
  message: WebhookEventMessage;
  /** The run is scheduled for then (epoch ms), after the delivery's attempt on arrival. */
  runAt?: number;
}

/** One event for the Inngest server: a delivery for the fast path, or a busy tenant's deliveries for the batched path. */
export type HandOverEvent = FastHandOver | ({ lane: "batch" } & HandOverRecord);

export interface HandOverOptions {
  /** Sends events to the Inngest server in one request; throws when it is unreachable. */
  send: (events: HandOverEvent[]) => Promise<void>;
  /** Records which event named these deliveries together. */
  recordHandOver: (handOver: HandOverRecord) => Promise<void>;
  /**
   * Told when recording fails. The event was sent all the same, so its deliveries are not failed:
   * at worst the sweeper re-sends them one by one.
   */
  onRecordFailure?: (error: unknown, handOver: HandOverRecord) => void;
  laneOf: (tenantId: string) => Lane;
  /**
   * Starts a quiet tenant's delivery's attempt on arrival (arrival-attempts.ts), returning whether
   * it did; the delivery's run is then scheduled `runAfterArrivalMs` later.
   */
  attemptOnArrival?: (message: WebhookEventMessage) => boolean;
  runAfterArrivalMs?: number;
  /** How long and how many of a busy tenant's deliveries are gathered into one event. */
  gather?: BatchLimits;
}

/** The most deliveries one stock/webhook.batched event names. */
export const MAX_DELIVERIES_PER_BATCHED_EVENT = 100;

/**
 * Up to 100 events gathered for at most 5 ms go in one request. A busy tenant's deliveries are
 * also gathered into one event for up to 250 ms: during a burst the Inngest server spends its time
 * per event (stored, matched, appended to a batch), and fewer, fuller events leave it free for the
 * quiet tenants' sales on the fast path. Those wait 250 ms at most, inside the batch's own 3-s
 * window (docs/pipeline.md).
 */
export const DEFAULT_GATHERING: BatchLimits = { maxItems: MAX_DELIVERIES_PER_BATCHED_EVENT, maxWaitMs: 250 };

/**
 * What the front door calls to hand a stored delivery to the pipeline. A gathered event takes its
 * first delivery's id, and which deliveries it named is recorded after the send: the sweeper
 * re-sends deliveries still QUEUED after 30 s under it, together, so Inngest drops the re-send if
 * it has the event and processes it if it lost it (a dev server that restarted).
 */
export function createHandOver(options: HandOverOptions): (message: WebhookEventMessage) => Promise<void> {
  const toInngest = new SendBatcher<HandOverEvent>(options.send, { maxItems: 100, maxWaitMs: 5 });
  const batchLane = new KeyedSendBatcher<WebhookEventMessage>(async (messages, tenantId) => {
    const handOver = {
      id: messages[0]!.id,
      tenantId,
      webhookEventIds: messages.map((message) => message.webhookEventId),
    };
    await toInngest.add({ lane: "batch", ...handOver });
    // A lone delivery's event already has its own id, which is what the sweeper re-sends under.
    if (handOver.webhookEventIds.length > 1)
      await options.recordHandOver(handOver).catch((error: unknown) => options.onRecordFailure?.(error, handOver));
  }, options.gather ?? DEFAULT_GATHERING);
  return async (message) => {
    if (options.laneOf(message.tenantId) === "batch") return batchLane.add(message.tenantId, message);
    const runAt = options.attemptOnArrival?.(message) ? Date.now() + (options.runAfterArrivalMs ?? 0) : undefined;
    return toInngest.add({ lane: "fast", id: message.id, message, ...(runAt ? { runAt } : {}) });
  };
}
