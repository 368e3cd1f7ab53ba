import { describe, expect, it } from "vitest";
import { SendBatcher } from "./send-batcher";

describe("SendBatcher", () => {
  it("sends items added together in one call, and a full batch at once", async () => {
    const calls: number[][] = [];
    const batcher = new SendBatcher<number>(async (items) => void calls.push(items), { maxItems: 3, maxWaitMs: 20 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(calls).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it("reports a failed send to every item of that batch, and keeps working", async () => {
    let fail = true;
    const batcher = new SendBatcher<string>(
      async () => {
        if (fail) throw new Error("Inngest unreachable");
      },
      { maxItems: 10, maxWaitMs: 1 },
    );
    const results = await Promise.allSettled([batcher.add("a"), batcher.add("b")]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(batcher.add("c")).resolves.toBeUndefined();
  });

  it("reports a send that throws before returning a promise", async () => {
    const batcher = new SendBatcher<string>(
      () => {
        throw new Error("bad event");
      },
      { maxItems: 10, maxWaitMs: 1 },
    );
    await expect(batcher.add("a")).rejects.toThrow("bad event");
  });
});
