import type { AttemptKind, PrismaClient } from "@/generated/prisma/client";
import { scopeToTenant } from "@/server/tenancy/tenant-db";

/**
 * The attempt log: one row per processing attempt of a delivery and per push attempt, written
 * once and never updated, so a replay adds its own rows beside the original outcome.
 */
export interface AttemptRecord {
  tenantId: string;
  kind: AttemptKind;
  connectionId: string;
  number: number;
  outcome: string;
  webhookEventId?: string;
  channelPushId?: string;
  itemId?: string;
  detail?: string;
  error?: string;
  replay?: boolean;
  inngestRunId?: string;
  startedAt: Date;
  finishedAt?: Date;
}

export async function recordAttempt(prisma: PrismaClient, attempt: AttemptRecord): Promise<void> {
  await scopeToTenant(prisma, attempt.tenantId).pipelineAttempt.create({
    data: {
      ...attempt,
      detail: attempt.detail?.slice(0, 1000),
      error: attempt.error?.slice(0, 1000),
      finishedAt: attempt.finishedAt ?? new Date(),
    },
  });
}

/**
 * The run id a delivery's attempt on arrival works under (inbound/arrival-attempts.ts): no Inngest
 * run has it, and none ever will, so the sweeper never asks the Inngest server about it.
 */
export const ARRIVAL_RUN_PREFIX = "arrival:";
export const isArrivalRunId = (runId: string | null | undefined) => Boolean(runId?.startsWith(ARRIVAL_RUN_PREFIX));

/** A replay re-sends the delivery under an id ending in `:replay:<time>` (see events/replay.ts). */
export const isReplayEventId = (eventId: string | undefined) => Boolean(eventId?.includes(":replay"));
