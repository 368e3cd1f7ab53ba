import { db } from "@/server/db";
import { recordOutboundEvent } from "@/server/outbound/delivery";
import { inngest } from "../client";
import { outboundDeliveryRequested, outboundEventCreated } from "../event-schemas";

/**
 * outbound/event.created: store the event and one delivery per subscribed, enabled endpoint,
 * then start one delivery function per (endpoint, event).
 */
export const fanOutOutbound = inngest.createFunction(
  { id: "outbound-fan-out", triggers: [outboundEventCreated], retries: 5 },
  async ({ event, step }) => {
    const deliveries = await step.run("record", () => recordOutboundEvent(db, event.data.payload));
    if (deliveries.length) {
      await step.sendEvent(
        "deliver",
        deliveries.map((delivery) => outboundDeliveryRequested.create(delivery, { id: delivery.deliveryId })),
      );
    }
    return { deliveries: deliveries.length };
  },
);
