import { env } from "@/env";
import { db } from "@/server/db";
import { attemptDelivery, giveUpDelivery, retryDelaysSeconds } from "@/server/outbound/delivery";
import { urlPolicyFromEnv } from "@/server/network/url-safety";
import { inngest } from "../client";
import { outboundDeliveryRequested } from "../event-schemas";

/**
 * outbound/delivery.requested: attempt, then wait and attempt again on failure (5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h — about 27.6 hours in all), each attempt its own step. 2xx ends
 * it; 410 disables the endpoint; so does a failure after 3 days of nothing but failures. Each
 * endpoint gets at most 10 deliveries a second and 5 at once, so one tenant's burst cannot
 * flood its receiver (and deliveries may arrive in any order).
 */
export const deliverOutbound = inngest.createFunction(
  {
    id: "outbound-deliver",
    triggers: [outboundDeliveryRequested],
    // Attempts are steps that never throw for an HTTP failure; these retries cover our own errors (database).
    retries: 3,
    throttle: { key: "event.data.endpointId", limit: 10, period: "1s", burst: 10 },
    concurrency: [{ key: "event.data.endpointId", limit: 5 }],
    onFailure: async ({ event, error }) =>
      giveUpDelivery(db, event.data.event.data, `delivery stopped: ${error.message}`),
  },
  async ({ event, step }) => {
    const config = env();
    const delays = retryDelaysSeconds({ OUTBOUND_WEBHOOKS_RETRY_DELAYS: config.OUTBOUND_WEBHOOKS_RETRY_DELAYS });
    const policy = urlPolicyFromEnv(config);
    for (let index = 0; ; index += 1) {
      const result = await step.run(`attempt-${index + 1}`, () =>
        attemptDelivery(db, event.data, { policy, manual: event.data.manual }),
      );
      if (result.final) return result;
      if (index >= delays.length) {
        await step.run("give-up", () => giveUpDelivery(db, event.data));
        return { ...result, gaveUp: true };
      }
      await step.sleep(`wait-${index + 1}`, delays[index]! * 1000);
    }
  },
);
