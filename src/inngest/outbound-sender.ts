import type { OutboundPayload } from "@/server/outbound/event-types";
import { inngest } from "./client";
import { outboundEventCreated } from "./event-schemas";

/** Events per request to Inngest, so a reconcile page's many changes stay well inside its request size limit. */
const SEND_BATCH = 100;

/** Hands outbound events to Inngest; their ids are the events' own, so a repeat is dropped. */
export async function sendOutboundEvents(payloads: OutboundPayload[]) {
  for (let start = 0; start < payloads.length; start += SEND_BATCH) {
    await inngest.send(
      payloads
        .slice(start, start + SEND_BATCH)
        .map((payload) => outboundEventCreated.create({ payload }, { id: payload.id })),
    );
  }
}
