import { describe, expect, it } from "vitest";
import { readBodyCapped } from "./read-body";

/** A body that sends one byte now and then and never ends: the slowloris client. */
function tricklingBody() {
  let cancelled = false;
  let timer: NodeJS.Timeout | undefined;
  const stream = new ReadableStream<Uint8Array>({
    pull: (controller) =>
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          controller.enqueue(new Uint8Array([0x20]));
          resolve();
        }, 20);
      }),
    cancel: () => {
      cancelled = true;
      clearTimeout(timer);
    },
  });
  return { stream, wasCancelled: () => cancelled };
}

describe("readBodyCapped", () => {
  it("cuts a body that trickles in forever at the total deadline, and stops reading it", async () => {
    const slow = tricklingBody();
    expect(await readBodyCapped(slow.stream, 1024 * 1024, 300)).toBe("timeout");
    expect(slow.wasCancelled()).toBe(true);
  });

  it("reads a body that arrives in time", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":'));
        controller.enqueue(new TextEncoder().encode("1}"));
        controller.close();
      },
    });
    expect((await readBodyCapped(stream, 1024, 5_000)).toString()).toBe('{"a":1}');
  });

  it("stops at the size limit", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(600));
        controller.enqueue(new Uint8Array(600));
        controller.close();
      },
    });
    expect(await readBodyCapped(stream, 1000, 5_000)).toBe("too_large");
  });
});
