import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { auth } from "@/server/auth";
import { db } from "@/server/db";
import { inngest } from "@/inngest/client";
import { logger, requestIdOf, withLogContext } from "@/server/logger";

const handler = async (req: Request) => {
  const session = await auth();
  const requestId = requestIdOf(req.headers);
  // Lines the procedures' modules log (mail, connectors) carry the request's id too.
  return withLogContext({ requestId }, () =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: appRouter,
      createContext: ({ resHeaders }) =>
        createTRPCContext({
          headers: req.headers,
          requestId,
          prisma: db,
          sendEvent: (event) => inngest.send(event),
          session: session?.user?.id ? { user: { id: session.user.id } } : null,
          responseHeaders: resHeaders,
          secureCookies: new URL(req.url).protocol === "https:" || req.headers.get("x-forwarded-proto") === "https",
        }),
      onError({ path, error, ctx }) {
        if (error.code === "INTERNAL_SERVER_ERROR")
          (ctx?.log ?? logger).error({ area: "trpc", path: path ?? "?", err: error }, `${path ?? "?"} failed`);
      },
    }),
  );
};

export { handler as GET, handler as POST };
