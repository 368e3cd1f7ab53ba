import type { PrismaClient } from "@/generated/prisma/client";
import { emitPushFailures, type OutboundSender } from "@/server/outbound/emit";
import { giveUpPush, type PushRequest } from "./channel-push";

/** One push fails for good; tenants' endpoints hear of it only if this call is what failed it. */
export async function giveUpOnePush(
  prisma: PrismaClient,
  tenantId: string,
  pushId: string,
  error: string,
  send: OutboundSender,
) {
  if (await giveUpPush(prisma, tenantId, pushId, error))
    await emitPushFailures(prisma, tenantId, { pushIds: [pushId] }, send);
}

/**
 * After a push run's last retry: its push fails for good. A reconcile push that crashed before
 * naming its row is found by what it was for (item, storefront, cause) among the pending ones.
 */
export async function giveUpPushRequest(
  prisma: PrismaClient,
  request: PushRequest,
  error: string,
  send: OutboundSender,
) {
  const pushes = request.pushId
    ? [{ id: request.pushId }]
    : await prisma.channelPush.findMany({
        where: {
          tenantId: request.tenantId,
          itemId: request.itemId,
          connectionId: request.connectionId,
          syncRunId: request.syncRunId ?? null,
          webhookEventId: request.webhookEventId ?? null,
          state: "PENDING",
        },
        select: { id: true },
      });
  for (const push of pushes) await giveUpOnePush(prisma, request.tenantId, push.id, error, send);
}
