import { z } from "zod";
import { createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { cancelSyncRun } from "@/server/connections/cancel-sync-run";
import { findOrThrow } from "@/server/errors";
import { SyncStatus, SyncTrigger } from "@/generated/prisma/enums";

const PAGE_SIZE = 30;

/**
 * A sync run as every list shows it (history, a connection's runs, the live progress). The client
 * takes its type from these procedures' output (RouterOutputs), never from a copy of the fields.
 */
export const syncRunSummarySelect = {
  id: true,
  trigger: true,
  mode: true,
  status: true,
  pages: true,
  itemsScanned: true,
  itemsChanged: true,
  itemsCreated: true,
  itemsVanished: true,
  errorCount: true,
  lastError: true,
  startedAt: true,
  finishedAt: true,
  nextAttemptAt: true,
} as const;

const runFields = {
  ...syncRunSummarySelect,
  connection: { select: { id: true, name: true, provider: true, direction: true } },
  cancelledBy: { select: { name: true, email: true } },
} as const;

/** Reconcile history: every run with its trigger, duration, counts and errors, and what it changed. */
export const syncRunRouter = createTRPCRouter({
  list: tenantProcedure
    .input(
      z.object({
        cursor: z.string().min(1).nullish(),
        connectionId: z.string().min(1).optional(),
        status: z.enum(SyncStatus).optional(),
        trigger: z.enum(SyncTrigger).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db.syncRun.findMany({
        where: { connectionId: input.connectionId, status: input.status, trigger: input.trigger },
        orderBy: [{ startedAt: "desc" }, { id: "desc" }],
        take: PAGE_SIZE + 1,
        ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
        select: runFields,
      });
      const hasMore = rows.length > PAGE_SIZE;
      const runs = hasMore ? rows.slice(0, PAGE_SIZE) : rows;
      return { runs, nextCursor: hasMore ? runs.at(-1)!.id : null };
    }),

  /**
   * Stops a queued or running reconcile (Member and up, like Resync: whoever may start one may stop
   * it; viewers are refused by tenantProcedure). Audited with who pressed it.
   */
  cancel: tenantProcedure.input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    const cancelled = await cancelSyncRun(ctx.db, input.id, ctx.user.id, ctx.sendEvent);
    await ctx.audit({
      action: "sync_run.cancelled",
      target: `connection:${cancelled.connectionId}`,
      summary: { name: cancelled.connectionName, syncRunId: cancelled.id },
    });
    return cancelled;
  }),

  byId: tenantProcedure.input(z.object({ id: z.string().min(1) })).query(async ({ ctx, input }) => {
    const run = await findOrThrow(
      ctx.db.syncRun.findFirst({ where: { id: input.id }, select: runFields }),
      "Sync run not found",
    );
    const [changes, pushes, pushStates] = await Promise.all([
      ctx.db.stockChange.findMany({
        where: { syncRunId: run.id },
        orderBy: { createdAt: "asc" },
        take: 200,
        select: {
          id: true,
          quantityBefore: true,
          quantityAfter: true,
          statusBefore: true,
          statusAfter: true,
          createdAt: true,
          item: { select: { id: true, sku: true, title: true } },
        },
      }),
      ctx.db.channelPush.findMany({
        where: { syncRunId: run.id },
        orderBy: { createdAt: "asc" },
        take: 200,
        select: {
          id: true,
          quantity: true,
          status: true,
          state: true,
          attempts: true,
          error: true,
          createdAt: true,
          pushedAt: true,
          itemId: true,
          connection: { select: { name: true } },
        },
      }),
      ctx.db.channelPush.groupBy({ by: ["state"], where: { syncRunId: run.id }, _count: { _all: true } }),
    ]);
    return {
      run,
      changes,
      pushes,
      pushStates: Object.fromEntries(pushStates.map((row) => [row.state, row._count._all])),
    };
  }),
});
