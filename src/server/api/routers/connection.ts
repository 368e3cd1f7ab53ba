import { z } from "zod";
import { env } from "@/env";
import { createTRPCRouter, tenantAdminProcedure, tenantProcedure } from "@/server/api/trpc";
import { syncRunSummarySelect } from "@/server/api/routers/sync-run";
import { changeConnectionAddress, createConnection } from "@/server/connections/connection-setup";
import { connectionHealth } from "@/server/connections/connection-health";
import { PROVIDER_GUIDES, webhookUrl } from "@/server/connections/provider-guides";
import { hasApiConnector } from "@/server/connectors/tenant-connector";
import { CONNECTION_NOT_FOUND, updateConnectionSettings } from "@/server/connections/connection-settings";
import { testConnection, testUnsavedCredentials } from "@/server/connections/connection-test";
import { requestManualResync } from "@/server/connections/manual-resync";
import { secretMetadata } from "@/server/crypto/secret-store";
import { forgetWebhookConnection } from "@/server/inbound/route-handler";
import {
  subscribeAfterSetup,
  subscribesThroughApi,
  unsubscribeBeforeDelete,
} from "@/server/connections/subscribe-on-setup";
import { DomainError, findOrThrow } from "@/server/errors";
import { ConnectionDirection, Provider, SyncSchedule } from "@/generated/prisma/enums";

const connectionFields = {
  id: true,
  provider: true,
  direction: true,
  name: true,
  baseUrl: true,
  status: true,
  syncSchedule: true,
  webhooksEnabled: true,
  lastWebhookAt: true,
  lastSyncAt: true,
  lastFullSyncAt: true,
  consecutiveFailures: true,
  circuitOpenUntil: true,
  createdAt: true,
} as const;

const provider = z.enum(Provider);
const schedule = z.enum(SyncSchedule);
const id = z.object({ id: z.string().min(1) });
const name = z.string().trim().min(2, "Give it a name of at least 2 characters").max(80);
const baseUrl = z.url({ protocol: /^https?$/, error: "Enter the full address, starting with https://" }).max(500);

const NOT_FOUND = CONNECTION_NOT_FOUND;

/** What the wizard sends: checked whole by testCredentials (so one submit shows every field error) and by create. */
const newConnection = z.object({
  provider,
  direction: z.enum(ConnectionDirection),
  name,
  baseUrl,
  syncSchedule: schedule.default("H24"),
  credentials: z.record(z.string(), z.union([z.string().max(2000), z.number()])).default({}),
  signingSecret: z.string().trim().min(8, "That secret looks too short").max(500).optional(),
});

export const connectionRouter = createTRPCRouter({
  list: tenantProcedure.query(async ({ ctx }) => {
    const connections = await ctx.db.connection.findMany({
      select: { ...connectionFields, _count: { select: { itemLinks: true } } },
      orderBy: [{ direction: "desc" }, { createdAt: "asc" }],
    });
    const health = await connectionHealth(
      ctx.db,
      connections.map((c) => c.id),
    );
    return connections.map((connection) => ({ ...connection, health: health.get(connection.id)! }));
  }),

  byId: tenantProcedure.input(id).query(async ({ ctx, input }) => {
    const connection = await findOrThrow(
      ctx.db.connection.findFirst({
        where: { id: input.id },
        select: { ...connectionFields, _count: { select: { itemLinks: true } } },
      }),
      NOT_FOUND,
    );
    const [secrets, health] = await Promise.all([
      ctx.db.secret.findMany({
        where: { connectionId: connection.id },
        select: secretMetadata,
        orderBy: { createdAt: "desc" },
      }),
      connectionHealth(ctx.db, [connection.id]),
    ]);
    return {
      ...connection,
      health: health.get(connection.id)!,
      webhookUrl: webhookUrl(env().APP_URL, ctx.tenant.slug, connection.id),
      hasApi: hasApiConnector(connection.provider),
      secrets,
    };
  }),

  /** The wizard's last step: returns the signing secret in plaintext this once, never again. */
  create: tenantAdminProcedure.input(newConnection).mutation(async ({ ctx, input }) => {
    const { connection, signingSecret } = await createConnection(ctx.db, input);
    await ctx.audit({
      action: "connection.created",
      target: `connection:${connection.id}`,
      summary: { name: connection.name, provider: connection.provider, direction: connection.direction },
    });
    // Subscribe now rather than at the next hourly pass (which still catches it if this fails).
    const subscription = await subscribeAfterSetup(
      ctx.prisma,
      { tenantId: ctx.tenant.id, connectionId: connection.id },
      connection,
      {
        appUrl: env().APP_URL,
        sendEnsure: (data) => ctx.sendEvent({ name: "connection/subscription.ensure", data: { ...data } }),
      },
    );
    const guide = PROVIDER_GUIDES[input.provider];
    return {
      id: connection.id,
      direction: connection.direction,
      hasApi: guide.hasApi,
      webhookUrl: webhookUrl(env().APP_URL, ctx.tenant.slug, connection.id),
      // A secret the tenant pasted is theirs already; one we generated is shown once.
      signingSecret: guide.signing === "generated" ? signingSecret : null,
      subscription,
    };
  }),

  /**
   * Name, schedule, webhooks on/off, paused: MEMBER and up. Where the connection points is not
   * here (see changeAddress): unknown keys such as baseUrl are refused, not silently dropped.
   */
  update: tenantProcedure
    .input(
      z
        .object({
          id: z.string().min(1),
          name: name.optional(),
          syncSchedule: schedule.optional(),
          webhooksEnabled: z.boolean().optional(),
          paused: z.boolean().optional(),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      const { before, after } = await updateConnectionSettings(ctx.db, input);
      await ctx.audit({ action: "connection.updated", target: `connection:${input.id}`, summary: { before, after } });
      return after;
    }),

  /**
   * Pointing a connection at another address: OWNER/ADMIN only, never a support session (it is
   * not in WRITABLE_WITH_GRANT). The stored API credentials are revoked in the same step, so a
   * token given for one address is never sent to another; they are entered again afterwards.
   */
  changeAddress: tenantAdminProcedure
    .input(z.object({ id: z.string().min(1), baseUrl }))
    .mutation(async ({ ctx, input }) => {
      const connection = await findOrThrow(
        ctx.db.connection.findFirst({ where: { id: input.id }, select: { id: true, baseUrl: true } }),
        NOT_FOUND,
      );
      const result = await changeConnectionAddress(ctx.db, connection, input.baseUrl);
      if (!result.changed) return result;
      forgetWebhookConnection(connection.id);
      await ctx.audit({
        action: "connection.address_changed",
        target: `connection:${connection.id}`,
        summary: { before: connection.baseUrl, after: result.baseUrl, credentialsRevoked: result.credentialsRevoked },
      });
      return result;
    }),

  /** Deleting needs the connection's name typed back, so a slip of the mouse deletes nothing. */
  remove: tenantAdminProcedure
    .input(z.object({ id: z.string().min(1), confirmName: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const connection = await findOrThrow(
        ctx.db.connection.findFirst({
          where: { id: input.id },
          select: { id: true, name: true, provider: true, direction: true },
        }),
        NOT_FOUND,
      );
      if (input.confirmName.trim() !== connection.name)
        throw new DomainError("INVALID", `Type “${connection.name}” to confirm`);
      // The store stops sending first; a platform that cannot be reached does not block the delete.
      const unsubscribed = await unsubscribeBeforeDelete(
        ctx.prisma,
        { tenantId: ctx.tenant.id, connectionId: connection.id },
        { provider: connection.provider, direction: connection.direction },
        { appUrl: env().APP_URL },
      );
      await ctx.db.connection.deleteMany({ where: { id: connection.id } });
      forgetWebhookConnection(connection.id);
      await ctx.audit({
        action: "connection.deleted",
        target: `connection:${connection.id}`,
        summary: {
          name: connection.name,
          provider: connection.provider,
          webhooksRemoved: unsubscribed.removed,
          webhookRemovalErrors: unsubscribed.errors.length,
        },
      });
      return { deleted: true, webhooksRemoved: unsubscribed.removed, webhooksLeft: unsubscribed.errors.length };
    }),

  /** Calls the platform's cheapest authenticated endpoint with the stored credentials. */
  test: tenantProcedure.input(id).mutation(async ({ ctx, input }) => {
    const connection = await findOrThrow(
      ctx.db.connection.findFirst({ where: { id: input.id }, select: { id: true, provider: true } }),
      NOT_FOUND,
    );
    const result = await testConnection(ctx.db, connection);
    // A platform without an API has nothing to test, so nothing to audit.
    if (result.ok || result.reason !== "no_api")
      await ctx.audit({
        action: "connection.tested",
        target: `connection:${connection.id}`,
        summary: { ok: result.ok, latencyMs: result.latencyMs },
      });
    return result;
  }),

  /**
   * The wizard's inline check: the platform's cheapest authenticated call with credentials that are
   * not saved yet, behind the same address rules as a saved connection. Nothing is stored.
   */
  testCredentials: tenantAdminProcedure.input(newConnection).mutation(({ input }) => testUnsavedCredentials(input)),

  /** Starts a full reconcile (a drift check, for a channel) now; refused while one is running. */
  resync: tenantProcedure.input(id).mutation(async ({ ctx, input }) => {
    const connection = await findOrThrow(
      ctx.db.connection.findFirst({ where: { id: input.id }, select: { id: true, name: true, provider: true } }),
      NOT_FOUND,
    );
    const requested = await requestManualResync(ctx.db, ctx.tenant.id, connection, ctx.sendEvent);
    await ctx.audit({
      action: "connection.resync",
      target: `connection:${connection.id}`,
      summary: { name: connection.name },
    });
    return requested;
  }),

  /** The platform's webhook subscriptions Stockhook holds for this connection, as last checked. */
  subscriptions: tenantProcedure.input(id).query(async ({ ctx, input }) => {
    const connection = await findOrThrow(
      ctx.db.connection.findFirst({ where: { id: input.id }, select: { id: true, provider: true, direction: true } }),
      NOT_FOUND,
    );
    const rows = await ctx.db.platformSubscription.findMany({
      where: { connectionId: connection.id },
      select: {
        id: true,
        topic: true,
        externalId: true,
        state: true,
        expiresAt: true,
        renewedAt: true,
        lastCheckedAt: true,
        lastError: true,
        lastErrorAt: true,
      },
      orderBy: { topic: "asc" },
    });
    return { managed: subscribesThroughApi(connection), subscriptions: rows };
  }),

  /** "Check webhooks now": the same check and repair the hourly pass runs, for this connection. */
  checkSubscriptions: tenantAdminProcedure.input(id).mutation(async ({ ctx, input }) => {
    const connection = await findOrThrow(
      ctx.db.connection.findFirst({
        where: { id: input.id },
        select: { id: true, name: true, provider: true, direction: true },
      }),
      NOT_FOUND,
    );
    if (!subscribesThroughApi(connection))
      throw new DomainError("INVALID", "Stockhook does not manage this connection's webhooks");
    await ctx.sendEvent({
      name: "connection/subscription.ensure",
      data: { tenantId: ctx.tenant.id, connectionId: connection.id },
    });
    await ctx.audit({
      action: "connection.webhooks_checked",
      target: `connection:${connection.id}`,
      summary: { name: connection.name },
    });
    return { requested: true, requestedAt: new Date() };
  }),

  /** The latest run and how far it got, for the live progress next to the Resync button. */
  syncProgress: tenantProcedure.input(id).query(async ({ ctx, input }) => {
    const connection = await findOrThrow(
      ctx.db.connection.findFirst({
        where: { id: input.id },
        select: { id: true, _count: { select: { itemLinks: true } } },
      }),
      NOT_FOUND,
    );
    const latest = await ctx.db.syncRun.findFirst({
      where: { connectionId: connection.id },
      orderBy: { startedAt: "desc" },
      select: syncRunSummarySelect,
    });
    return {
      latest,
      running: latest?.status === "QUEUED" || latest?.status === "RUNNING",
      expectedItems: connection._count.itemLinks,
    };
  }),

  syncRuns: tenantProcedure
    .input(
      z.object({ connectionId: z.string().min(1).optional(), limit: z.number().int().min(1).max(100).default(20) }),
    )
    .query(({ ctx, input }) =>
      ctx.db.syncRun.findMany({
        where: { connectionId: input.connectionId },
        orderBy: { startedAt: "desc" },
        take: input.limit,
        select: { ...syncRunSummarySelect, connectionId: true },
      }),
    ),
});
