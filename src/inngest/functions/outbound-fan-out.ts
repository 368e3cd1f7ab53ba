import { db } from "@/server/db";
import { recordOutboundEvent } from "@/server/outbound/delivery";
import type { OutboundPayload } from "@/server/outbound/event-types";
import { inngest } from "../client";
import { outboundDeliveryRequested, outboundEventCreated } from "../event-schemas";

/**
 * outbound/event.created: store the event and one delivery per subscribed, enabled endpoint,
 * then start one delivery function per (endpoint, event).
 */
export const fanOutOutbound = inngest.createFunction(
  { id: "outbound-fan-out", triggers: [outboundEventCreated], retries: 5 },
  async ({ event, step }) => {
    const payload = event.data.payload as unknown as OutboundPayload;
    const deliveries = await step.run("record", () => recordOutboundEvent(db, payload));
    if (deliveries.length) {
      await step.sendEvent("deliver", deliveries.map((delivery) => outboundDeliveryRequested.create(delivery, { id: delivery.deliveryId })));
    }
    return { deliveries: deliveries.length };
  },
);
