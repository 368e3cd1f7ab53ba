import { describe, expect, it } from "vitest";
import { createHandOver, type HandOverEvent } from "./hand-over";
import type { WebhookEventMessage } from "./ingest";
import type { Lane } from "./tenant-lanes";

const delivery = (id: string, tenantId: string): WebhookEventMessage => ({
  id,
  tenantId,
  connectionId: `${tenantId}-conn`,
  webhookEventId: id,
  itemKey: `${tenantId}-conn:${id}`,
});

function handOverWith(
  lanes: Record<string, Lane>,
  options: {
    failSends?: boolean;
    maxItems?: number;
    attemptOnArrival?: (message: WebhookEventMessage) => boolean;
    runAfterArrivalMs?: number;
  } = {},
) {
  const requests: HandOverEvent[][] = [];
  const recorded: [string, string[]][] = [];
  const handOver = createHandOver({
    laneOf: (tenantId) => lanes[tenantId] ?? "fast",
    attemptOnArrival: options.attemptOnArrival,
    runAfterArrivalMs: options.runAfterArrivalMs,
    send: async (events) => {
      if (options.failSends) throw new Error("Inngest unreachable");
      requests.push(events);
    },
    recordHandOver: async ({ id, webhookEventIds }) => void recorded.push([id, webhookEventIds]),
    gather: { maxItems: options.maxItems ?? 100, maxWaitMs: 20 },
  });
  return { handOver, requests, recorded };
}

describe("createHandOver", () => {
  it("gathers a busy tenant's deliveries into one event under the first one's id, and records which it named", async () => {
    const { handOver, requests, recorded } = handOverWith({ busy: "batch", other: "batch" });
    await Promise.all([
      handOver(delivery("e1", "busy")),
      handOver(delivery("e2", "busy")),
      handOver(delivery("x1", "other")),
      handOver(delivery("e3", "busy")),
    ]);
    const events = requests.flat();
    expect(events).toEqual(
      expect.arrayContaining([
        { lane: "batch", id: "e1", tenantId: "busy", webhookEventIds: ["e1", "e2", "e3"] },
        { lane: "batch", id: "x1", tenantId: "other", webhookEventIds: ["x1"] },
      ]),
    );
    expect(events).toHaveLength(2);
    // A lone delivery's event id is its own, which is what the sweeper re-sends under anyway.
    expect(recorded).toEqual([["e1", ["e1", "e2", "e3"]]]);
  });

  it("sends a quiet tenant's delivery as its own event without waiting for company", async () => {
    const { handOver, requests, recorded } = handOverWith({ busy: "batch" });
    const busy = handOver(delivery("e1", "busy"));
    await handOver(delivery("q1", "quiet"));
    expect(requests).toEqual([[{ lane: "fast", id: "q1", message: delivery("q1", "quiet") }]]);
    await busy;
    expect(requests).toHaveLength(2);
    expect(recorded).toEqual([]);
  });

  it("attempts a quiet tenant's delivery on arrival and schedules its run after it; never a busy tenant's", async () => {
    const attempted: string[] = [];
    const { handOver, requests } = handOverWith(
      { busy: "batch" },
      {
        attemptOnArrival: (message) => {
          attempted.push(message.id);
          // The process's limit is reached: the next delivery goes to Inngest alone, at once.
          return attempted.length === 1;
        },
        runAfterArrivalMs: 5_000,
      },
    );
    const before = Date.now();
    await handOver(delivery("q1", "quiet"));
    await handOver(delivery("q2", "quiet"));
    await handOver(delivery("e1", "busy"));
    expect(attempted).toEqual(["q1", "q2"]);
    const [first, second, batched] = requests.flat();
    expect(first).toMatchObject({ lane: "fast", id: "q1", runAt: expect.any(Number) });
    const runAt = (first as { runAt: number }).runAt;
    expect(runAt - before).toBeGreaterThanOrEqual(5_000);
    expect(runAt - Date.now()).toBeLessThanOrEqual(5_000);
    expect(second).toEqual({ lane: "fast", id: "q2", message: delivery("q2", "quiet") });
    expect(batched).toMatchObject({ lane: "batch", id: "e1" });
  });

  it("starts a new event when one is full", async () => {
    const { handOver, requests } = handOverWith({ busy: "batch" }, { maxItems: 2 });
    await Promise.all(["e1", "e2", "e3"].map((id) => handOver(delivery(id, "busy"))));
    expect(requests.flat().map((event) => (event.lane === "batch" ? event.webhookEventIds : []))).toEqual([
      ["e1", "e2"],
      ["e3"],
    ]);
  });

  it("reports a failed send to every delivery in the event and records nothing, so the sweeper sends each on its own", async () => {
    const { handOver, recorded } = handOverWith({ busy: "batch" }, { failSends: true });
    const results = await Promise.allSettled([handOver(delivery("e1", "busy")), handOver(delivery("e2", "busy"))]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(recorded).toEqual([]);
  });

  it("does not report a sent event as failed when recording it fails, and says so once", async () => {
    const failures: [string, string[]][] = [];
    const handOver = createHandOver({
      laneOf: () => "batch",
      send: async () => undefined,
      recordHandOver: () => Promise.reject(new Error("database down")),
      onRecordFailure: (error, record) =>
        void failures.push([error instanceof Error ? error.message : String(error), record.webhookEventIds]),
      gather: { maxItems: 100, maxWaitMs: 5 },
    });
    await expect(Promise.all([handOver(delivery("e1", "t")), handOver(delivery("e2", "t"))])).resolves.toBeDefined();
    expect(failures).toEqual([["database down", ["e1", "e2"]]]);
  });
});
