import { describe, expect, it } from "vitest";
import { deliveriesOfFailedBatch } from "./apply-webhook-batch";

describe("deliveriesOfFailedBatch", () => {
  it("names every delivery of every event the server sends with a failed batch", () => {
    const data = {
      run_id: "run-1",
      event: { data: { tenantId: "t1", webhookEventIds: ["e1", "e2"] } },
      events: [
        { data: { tenantId: "t1", webhookEventIds: ["e1", "e2"] } },
        { data: { tenantId: "t1", webhookEventIds: ["e3"] } },
        { data: { tenantId: "t1", webhookEventIds: ["e2", "e4"] } },
      ],
    };
    expect(deliveriesOfFailedBatch(data)).toEqual({ ids: ["e1", "e2", "e3", "e4"], runId: "run-1" });
  });

  it("falls back to the first event when the server sends only that one", () => {
    const data = { run_id: "run-2", event: { data: { tenantId: "t1", webhookEventIds: ["e1", "e2"] } } };
    expect(deliveriesOfFailedBatch(data)).toEqual({ ids: ["e1", "e2"], runId: "run-2" });
  });
});
