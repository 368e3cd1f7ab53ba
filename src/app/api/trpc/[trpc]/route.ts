import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { auth } from "@/server/auth";
import { db } from "@/server/db";
import { inngest } from "@/inngest/client";
import { logger } from "@/server/logger";

const handler = async (req: Request) => {
  const session = await auth();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ resHeaders }) =>
      createTRPCContext({
        headers: req.headers,
        prisma: db,
        sendEvent: (event) => inngest.send(event),
        session: session?.user?.id ? { user: { id: session.user.id } } : null,
        responseHeaders: resHeaders,
        secureCookies: new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https",
      }),
    onError({ path, error }) {
      if (error.code === "INTERNAL_SERVER_ERROR")
        logger.error({ area: "trpc", path: path ?? "?", err: error }, `${path ?? "?"} failed`);
    },
  });
};

export { handler as GET, handler as POST };
