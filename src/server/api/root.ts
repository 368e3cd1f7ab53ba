import { auditRouter } from "@/server/api/routers/audit";
import { authRouter } from "@/server/api/routers/auth";
import { connectionRouter } from "@/server/api/routers/connection";
import { eventRouter } from "@/server/api/routers/event";
import { itemRouter } from "@/server/api/routers/item";
import { memberRouter } from "@/server/api/routers/member";
import { notificationsRouter } from "@/server/api/routers/notifications";
import { overviewRouter } from "@/server/api/routers/overview";
import { secretRouter } from "@/server/api/routers/secret";
import { supportRouter } from "@/server/api/routers/support";
import { syncRunRouter } from "@/server/api/routers/sync-run";
import { tenantRouter } from "@/server/api/routers/tenant";
import { webhookEndpointRouter } from "@/server/api/routers/webhook-endpoint";
import { createCallerFactory, createTRPCRouter } from "@/server/api/trpc";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  tenant: tenantRouter,
  overview: overviewRouter,
  connection: connectionRouter,
  item: itemRouter,
  event: eventRouter,
  member: memberRouter,
  secret: secretRouter,
  syncRun: syncRunRouter,
  audit: auditRouter,
  support: supportRouter,
  webhookEndpoint: webhookEndpointRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
