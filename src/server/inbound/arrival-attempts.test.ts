import { describe, expect, it } from "vitest";
import { createArrivalAttempts } from "./arrival-attempts";
import type { WebhookEventMessage } from "./ingest";

const delivery = (id: string): WebhookEventMessage => ({
  id,
  tenantId: "quiet",
  connectionId: "quiet-conn",
  webhookEventId: id,
  itemKey: `quiet-conn:${id}`,
});

/** Attempts that end when the test says so. */
function heldAttempts() {
  const started: string[] = [];
  const finish = new Map<string, (failure?: Error) => void>();
  const attempt = (message: WebhookEventMessage) =>
    new Promise<void>((resolve, reject) => {
      started.push(message.id);
      finish.set(message.id, (failure) => (failure ? reject(failure) : resolve()));
    });
  return { started, finish, attempt };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe("createArrivalAttempts", () => {
  it("starts at most its limit at once; a delivery beyond it is left to Inngest alone", async () => {
    const { started, finish, attempt } = heldAttempts();
    const counted: string[] = [];
    const attemptOnArrival = createArrivalAttempts({
      attempt,
      inFlightLimit: 2,
      onError: () => {},
      count: (outcome) => counted.push(outcome),
    });
    expect(attemptOnArrival(delivery("e1"))).toBe(true);
    expect(attemptOnArrival(delivery("e2"))).toBe(true);
    expect(attemptOnArrival(delivery("e3"))).toBe(false);
    expect(started).toEqual(["e1", "e2"]);
    finish.get("e1")!();
    await settled();
    expect(attemptOnArrival(delivery("e4"))).toBe(true);
    expect(started).toEqual(["e1", "e2", "e4"]);
    finish.get("e2")!();
    finish.get("e4")!();
    await settled();
    expect(counted.sort()).toEqual(["applied", "applied", "applied", "skipped"]);
  });

  it("reports a failed attempt instead of rejecting, and frees its place: the delivery's run takes it over", async () => {
    const { started, finish, attempt } = heldAttempts();
    const errors: [string, string][] = [];
    const counted: string[] = [];
    const attemptOnArrival = createArrivalAttempts({
      attempt,
      inFlightLimit: 1,
      onError: (error, message) => errors.push([message.id, (error as Error).message]),
      count: (outcome) => counted.push(outcome),
    });
    expect(attemptOnArrival(delivery("e1"))).toBe(true);
    finish.get("e1")!(new Error("source unreachable"));
    await settled();
    expect(errors).toEqual([["e1", "source unreachable"]]);
    expect(counted).toEqual(["failed"]);
    expect(attemptOnArrival(delivery("e2"))).toBe(true);
    expect(started).toEqual(["e1", "e2"]);
    finish.get("e2")!();
  });
});
