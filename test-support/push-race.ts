import type { PrismaClient } from "@/generated/prisma/client";

/**
 * A client on which another attempt delivers the push right after this one's first read of it (by
 * `read`), before the caller acts on what it read: the window a push attempt must close.
 */
export function deliveredAfterFirstRead(
  prisma: PrismaClient,
  push: { id: string; pushedAt: Date; read: "findFirstOrThrow" | "findMany" },
) {
  let raced = false;
  const deliverOnce = async ({ args, query }: { args: unknown; query: (args: unknown) => Promise<unknown> }) => {
    const found = await query(args);
    if (!raced) {
      raced = true;
      await prisma.channelPush.update({
        where: { id: push.id },
        data: { state: "SUCCEEDED", pushedAt: push.pushedAt },
      });
    }
    return found;
  };
  const client = prisma.$extends({ query: { channelPush: { [push.read]: deliverOnce } } }) as unknown as PrismaClient;
  return { client, raced: () => raced };
}
