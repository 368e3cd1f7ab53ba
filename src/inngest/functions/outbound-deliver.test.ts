import { describe, expect, it } from "vitest";
import { deliverOutbound } from "./outbound-deliver";

/**
 * docs/outbound-webhooks.md promises each endpoint at most 10 deliveries a second and 5 at once.
 * Both are Inngest flow control, keyed by the endpoint, so one tenant's burst to one receiver
 * neither floods it nor holds up another endpoint. integration/outbound-webhooks.test.ts watches
 * them at a receiver through the real Inngest server; this pins the settings themselves.
 */
describe("outbound-deliver flow control", () => {
  it("throttles to 10 a second (burst 10) and runs at most 5 at once, per endpoint", () => {
    expect(deliverOutbound.opts.throttle).toEqual({
      key: "event.data.endpointId",
      limit: 10,
      period: "1s",
      burst: 10,
    });
    expect(deliverOutbound.opts.concurrency).toEqual([{ key: "event.data.endpointId", limit: 5 }]);
  });
});
