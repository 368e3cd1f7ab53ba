import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { env } from "@/env";
import { lookupInngestRun, runUrlTemplate } from "@/server/event-log/inngest-run";
import { itemTimeline } from "@/server/event-log/item-timeline";
import { queueStats } from "@/server/event-log/queue-stats";
import { MAX_REPLAY, replayEvents } from "@/server/event-log/replay";
import { replayCommandFor, replayTargetSchema } from "@/server/event-log/replay-command";
import { eventDetail, listTimeline, timelineFilterSchema } from "@/server/event-log/timeline";
import { REJECTION_SAMPLES_KEPT } from "@/server/inbound/ingest";
import { rejectedPerConnection } from "@/server/inbound/rejection-counts";
import { DomainError, findOrThrow } from "@/server/errors";

const id = z.string().min(1).max(64);

export const eventRouter = createTRPCRouter({
  list: tenantProcedure
    .input(z.object({ cursor: z.string().min(1).max(64).nullish(), filter: timelineFilterSchema.optional() }))
    .query(({ ctx, input }) => listTimeline(ctx.db, input.filter ?? {}, input.cursor, undefined, ctx.prisma)),

  byId: tenantProcedure
    .input(z.object({ id }))
    .query(({ ctx, input }) => findOrThrow(eventDetail(ctx.db, input.id), "Event not found")),

  /** The Inngest run that processed the event, as the Inngest server reports it. */
  inngestRun: tenantProcedure.input(z.object({ id })).query(async ({ ctx, input }) => {
    const event = await findOrThrow(
      ctx.db.webhookEvent.findFirst({ where: { id: input.id }, select: { inngestRunId: true } }),
      "Event not found",
    );
    const settings = env();
    const { INNGEST_BASE_URL, INNGEST_SIGNING_KEY, INNGEST_DEV } = settings;
    return lookupInngestRun(event.inngestRunId, {
      baseUrl: INNGEST_BASE_URL,
      signingKey: INNGEST_SIGNING_KEY,
      runUrlTemplate: runUrlTemplate(settings),
      dev: Boolean(INNGEST_DEV),
    });
  }),

  itemTimeline: tenantProcedure
    .input(z.object({ itemId: id }))
    .query(({ ctx, input }) => findOrThrow(itemTimeline(ctx.db, input.itemId), "Item not found")),

  queue: tenantProcedure.query(({ ctx }) => queueStats(ctx.db, ctx.prisma)),

  /** Requests refused in the last 24 h (counted; the timeline keeps only the latest as rows). */
  rejected: tenantProcedure.input(z.object({ connectionId: id.optional() })).query(async ({ ctx, input }) => {
    const counts = await rejectedPerConnection(
      ctx.db,
      new Date(Date.now() - 86_400_000),
      input.connectionId ? [input.connectionId] : undefined,
    );
    return {
      last24h: [...counts.values()].reduce((sum, count) => sum + count, 0),
      keptPerConnection: REJECTION_SAMPLES_KEPT,
    };
  }),

  /** Replays failed or skipped deliveries (MEMBER and up; viewers are refused in the middleware). */
  replay: tenantProcedure
    .input(z.object({ ids: z.array(id).min(1).max(MAX_REPLAY) }))
    .mutation(async ({ ctx, input }) => {
      const result = await replayEvents(ctx.db, input.ids, ctx.sendEvent);
      if (!result.replayed.length && !result.deferred.length) {
        const reason = result.refused[0]?.reason ?? "Nothing to replay";
        throw new DomainError(reason === "Event not found" ? "NOT_FOUND" : "CONFLICT", reason);
      }
      await ctx.audit({
        action: "event.replay",
        target: input.ids.length === 1 ? input.ids[0] : `${input.ids.length} events`,
        summary: { replayed: result.replayed, deferred: result.deferred, refused: result.refused.length },
      });
      return result;
    }),

  /**
   * The delivery as a curl command that replays it exactly (signature included) against `url`.
   * A mutation, though it changes nothing: reading a signature made with the tenant's secret is
   * audited, refused to viewers (MEMBER and up, like replay) and to support sessions, which may
   * not read secrets (it is not in WRITABLE_WITH_GRANT).
   */
  replayCommand: tenantProcedure.input(z.object({ id, url: replayTargetSchema })).mutation(async ({ ctx, input }) => {
    const result = await replayCommandFor(ctx.db, input.id, input.url);
    await ctx.audit({
      action: "event.replayCommand",
      target: input.id,
      summary: { target: new URL(input.url).origin },
    });
    return result;
  }),

  /** Every FAILED delivery of the tenant (or of one connection), up to the replay limit. */
  replayFailed: tenantProcedure.input(z.object({ connectionId: id.optional() })).mutation(async ({ ctx, input }) => {
    if (input.connectionId)
      await findOrThrow(
        ctx.db.connection.findFirst({ where: { id: input.connectionId }, select: { id: true } }),
        "Connection not found",
      );
    const failed = await ctx.db.webhookEvent.findMany({
      where: { status: "FAILED", connectionId: input.connectionId },
      orderBy: { receivedAt: "asc" },
      take: MAX_REPLAY,
      select: { id: true },
    });
    if (!failed.length) throw new DomainError("CONFLICT", "There are no failed events to replay");
    const result = await replayEvents(
      ctx.db,
      failed.map((event) => event.id),
      ctx.sendEvent,
    );
    await ctx.audit({
      action: "event.replayFailed",
      target: input.connectionId ?? "all connections",
      summary: { replayed: result.replayed.length, deferred: result.deferred.length, refused: result.refused.length },
    });
    return result;
  }),
});
