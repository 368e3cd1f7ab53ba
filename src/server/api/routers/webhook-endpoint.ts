import { randomUUID } from "node:crypto";
import { z } from "zod";
import { env } from "@/env";
import { createTRPCRouter, tenantAdminProcedure, tenantProcedure } from "@/server/api/trpc";
import { createTestDelivery } from "@/server/outbound/delivery";
import {
  createEndpoint,
  endpointSecretMetadata,
  endpointSelect,
  rotateEndpointSecret,
} from "@/server/outbound/endpoints";
import { OUTBOUND_EVENT_TYPES } from "@/server/outbound/event-types";
import { checkTarget, urlPolicyFromEnv } from "@/server/network/url-safety";
import { DomainError, findOrThrow } from "@/server/errors";

/**
 * Tenants' outbound webhook endpoints. Everyone in the tenant sees them and their delivery log;
 * owners and admins create, change, test and delete them. A signing secret's plaintext is in the
 * answer to the call that made it (create, rotate) and nowhere else.
 */
const NOT_FOUND = "Endpoint not found";
const id = z.string().min(1);
const url = z.string().trim().min(1, "Enter the URL to send events to").max(2000);
const description = z.string().trim().max(200);
const eventTypes = z
  .array(z.enum(OUTBOUND_EVENT_TYPES))
  .min(1, "Choose at least one event")
  .transform((types) => [...new Set(types)]);
const DAY_MS = 24 * 3_600_000;

function policy() {
  return urlPolicyFromEnv(env());
}

/** The SSRF rules at save time (deliveries check again, on every attempt and redirect). */
async function checkedUrl(raw: string): Promise<string> {
  return (await checkTarget(raw, policy())).url.toString();
}

export const webhookEndpointRouter = createTRPCRouter({
  list: tenantProcedure.query(async ({ ctx }) => {
    const since = new Date(Date.now() - DAY_MS);
    const [endpoints, counts] = await Promise.all([
      ctx.db.webhookEndpoint.findMany({
        select: { ...endpointSelect, secrets: { select: endpointSecretMetadata, orderBy: { createdAt: "desc" } } },
        orderBy: { createdAt: "asc" },
      }),
      ctx.db.outboundDelivery.groupBy({
        by: ["endpointId", "state"],
        where: { createdAt: { gte: since } },
        _count: { _all: true },
      }),
    ]);
    return endpoints.map((endpoint) => {
      const count = (state: string) =>
        counts.find((c) => c.endpointId === endpoint.id && c.state === state)?._count._all ?? 0;
      return {
        ...endpoint,
        deliveries24h: { succeeded: count("SUCCEEDED"), failed: count("FAILED"), pending: count("PENDING") },
      };
    });
  }),

  deliveries: tenantProcedure
    .input(z.object({ endpointId: id, limit: z.number().int().min(1).max(200).default(50) }))
    .query(async ({ ctx, input }) => {
      const endpoint = await findOrThrow(
        ctx.db.webhookEndpoint.findFirst({ where: { id: input.endpointId }, select: { id: true } }),
        NOT_FOUND,
      );
      return ctx.db.outboundDelivery.findMany({
        where: { endpointId: endpoint.id },
        select: {
          id: true,
          state: true,
          attempts: true,
          responseStatus: true,
          latencyMs: true,
          responseBody: true,
          error: true,
          createdAt: true,
          lastAttemptAt: true,
          deliveredAt: true,
          event: { select: { id: true, type: true } },
        },
        orderBy: { createdAt: "desc" },
        take: input.limit,
      });
    }),

  /** One delivery in full: the payload that was signed and every attempt, oldest first. */
  delivery: tenantProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const delivery = await findOrThrow(
      ctx.db.outboundDelivery.findFirst({
        where: { id: input.id },
        select: {
          id: true,
          state: true,
          event: { select: { id: true, type: true, payload: true } },
          attemptLog: {
            select: {
              id: true,
              attempt: true,
              responseStatus: true,
              latencyMs: true,
              responseBody: true,
              error: true,
              createdAt: true,
            },
            orderBy: { createdAt: "asc" },
          },
        },
      }),
      "Delivery not found",
    );
    return delivery;
  }),

  create: tenantAdminProcedure
    .input(z.object({ url, description: description.default(""), eventTypes, enabled: z.boolean().default(true) }))
    .mutation(async ({ ctx, input }) => {
      const created = await createEndpoint(ctx.db, { ...input, url: await checkedUrl(input.url) });
      await ctx.audit({
        action: "webhook_endpoint.created",
        target: `webhook_endpoint:${created.endpoint.id}`,
        summary: {
          url: created.endpoint.url,
          eventTypes: created.endpoint.eventTypes,
          enabled: created.endpoint.enabled,
          secretLast4: created.secret.last4,
        },
      });
      return { endpoint: created.endpoint, secret: created.secret, plaintext: created.plaintext };
    }),

  update: tenantAdminProcedure
    .input(
      z.object({
        id,
        url: url.optional(),
        description: description.optional(),
        eventTypes: eventTypes.optional(),
        enabled: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const before = await findOrThrow(
        ctx.db.webhookEndpoint.findFirst({ where: { id: input.id }, select: endpointSelect }),
        NOT_FOUND,
      );
      const { id: endpointId, ...changes } = input;
      if (changes.url !== undefined) changes.url = await checkedUrl(changes.url);
      // Switching an endpoint back on starts its failure clock afresh.
      const reenable = changes.enabled === true && !before.enabled ? { disabledReason: null, failingSince: null } : {};
      await ctx.db.webhookEndpoint.updateMany({ where: { id: endpointId }, data: { ...changes, ...reenable } });
      const after = await ctx.db.webhookEndpoint.findFirstOrThrow({
        where: { id: endpointId },
        select: endpointSelect,
      });
      await ctx.audit({
        action: "webhook_endpoint.updated",
        target: `webhook_endpoint:${endpointId}`,
        summary: {
          before: {
            url: before.url,
            description: before.description,
            eventTypes: before.eventTypes,
            enabled: before.enabled,
          },
          after: {
            url: after.url,
            description: after.description,
            eventTypes: after.eventTypes,
            enabled: after.enabled,
          },
        },
      });
      return after;
    }),

  rotateSecret: tenantAdminProcedure
    .input(z.object({ id, graceHours: z.number().int().min(0).max(168).default(24) }))
    .mutation(async ({ ctx, input }) => {
      const endpoint = await findOrThrow(
        ctx.db.webhookEndpoint.findFirst({ where: { id: input.id }, select: { id: true } }),
        NOT_FOUND,
      );
      const rotated = await rotateEndpointSecret(ctx.db, endpoint.id, input.graceHours);
      await ctx.audit({
        action: "webhook_endpoint.secret_rotated",
        target: `webhook_endpoint:${endpoint.id}`,
        summary: {
          secretId: rotated.secret.id,
          last4: rotated.secret.last4,
          previousValidUntil: rotated.previousValidUntil.toISOString(),
        },
      });
      return rotated;
    }),

  remove: tenantAdminProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const endpoint = await findOrThrow(
      ctx.db.webhookEndpoint.findFirst({ where: { id: input.id }, select: { id: true, url: true } }),
      NOT_FOUND,
    );
    await ctx.db.webhookEndpoint.deleteMany({ where: { id: endpoint.id } });
    await ctx.audit({
      action: "webhook_endpoint.deleted",
      target: `webhook_endpoint:${endpoint.id}`,
      summary: { url: endpoint.url },
    });
    return { removed: true };
  }),

  sendTest: tenantAdminProcedure.input(z.object({ id })).mutation(async ({ ctx, input }) => {
    const endpoint = await findOrThrow(
      ctx.db.webhookEndpoint.findFirst({ where: { id: input.id }, select: { id: true } }),
      NOT_FOUND,
    );
    const delivery = await createTestDelivery(
      ctx.db,
      endpoint.id,
      ctx.tenant.slug,
      `evt_test_${randomUUID().replaceAll("-", "")}`,
    );
    await ctx.sendEvent({
      name: "outbound/delivery.requested",
      data: { ...delivery, manual: true },
      id: delivery.deliveryId,
    });
    await ctx.audit({
      action: "webhook_endpoint.test_sent",
      target: `webhook_endpoint:${endpoint.id}`,
      summary: { deliveryId: delivery.deliveryId },
    });
    return delivery;
  }),

  /** The same event (same webhook-id, so receivers can deduplicate) to the same endpoint again. */
  resend: tenantAdminProcedure.input(z.object({ deliveryId: id })).mutation(async ({ ctx, input }) => {
    const delivery = await findOrThrow(
      ctx.db.outboundDelivery.findFirst({
        where: { id: input.deliveryId },
        select: { id: true, endpointId: true, state: true, eventId: true },
      }),
      "Delivery not found",
    );
    if (delivery.state === "PENDING") throw new DomainError("CONFLICT", "This delivery is still being attempted");
    await ctx.db.outboundDelivery.updateMany({ where: { id: delivery.id }, data: { state: "PENDING" } });
    await ctx.sendEvent({
      name: "outbound/delivery.requested",
      data: { tenantId: ctx.tenant.id, deliveryId: delivery.id, endpointId: delivery.endpointId, manual: true },
      id: `${delivery.id}:resend:${randomUUID()}`,
    });
    await ctx.audit({
      action: "webhook_endpoint.resent",
      target: `webhook_endpoint:${delivery.endpointId}`,
      summary: { deliveryId: delivery.id, eventId: delivery.eventId },
    });
    return { resent: true };
  }),
});
