import { RetryAfterError } from "inngest";
import { db } from "@/server/db";
import { ChannelUnavailableError, pushToChannel, type PushRequest } from "@/server/pipeline/channel-push";
import { connectorForConnection } from "@/server/pipeline/connector-for";
import { emitProductSynced } from "@/server/outbound/emit";
import { sendOutboundEvents } from "./outbound";

/**
 * One push to one storefront, for use inside a step: a rate limit or an open circuit breaker
 * becomes Inngest's RetryAfterError, so the step waits exactly that long instead of backing off.
 */
export async function pushOrWait(request: PushRequest) {
  try {
    const pushed = await pushToChannel(db, (tenantId, connectionId) => connectorForConnection(db, tenantId, connectionId), request);
    await emitProductSynced(db, request.tenantId, { ...pushed, itemId: request.itemId, connectionId: request.connectionId, externalId: request.externalId, webhookEventId: request.webhookEventId, syncRunId: request.syncRunId }, sendOutboundEvents);
    return pushed;
  } catch (error) {
    if (error instanceof ChannelUnavailableError) throw new RetryAfterError(error.message, Math.max(1_000, error.retryAfterMs));
    throw error;
  }
}
