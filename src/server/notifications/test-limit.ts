import { RateLimiterPrisma } from "rate-limiter-flexible";
import type { PrismaClient } from "@/generated/prisma/client";
import { consume } from "@/server/accounts/rate-limits";

/**
 * "Send a test notification" really mails and posts to Slack, so an admin's script (or a stuck
 * key) could spam a mailbox or a channel: ten tests per workspace per hour, counted in the
 * database so every instance shares the count.
 */
export const TEST_NOTIFICATION_LIMIT = { points: 10, duration: 60 * 60 } as const;

const byClient = new WeakMap<object, RateLimiterPrisma>();

/** Takes one of the workspace's test notifications; throws RateLimitedError when none is left. */
export async function consumeTestNotification(prisma: PrismaClient, tenantId: string): Promise<void> {
  let limiter = byClient.get(prisma);
  if (!limiter) {
    limiter = new RateLimiterPrisma({
      storeClient: prisma,
      tableName: "rateLimiterFlexible",
      keyPrefix: "notifications_test",
      ...TEST_NOTIFICATION_LIMIT,
    });
    byClient.set(prisma, limiter);
  }
  await consume(limiter, tenantId);
}
