import { CIRCUIT_FAILURE_THRESHOLD } from "@/server/pipeline/channel-push";
import type { TenantDb } from "@/server/tenancy/tenant-db";
import { knownSourceSignatureFailures, rejectedPerConnection } from "@/server/inbound/rejection-counts";

/**
 * The health of each connection at a glance: when it last heard from its platform, when it last
 * reconciled successfully, what failed in the last 24 hours, whether its circuit breaker is open,
 * and whether the platform's own deliveries fail their signature check (a secret that no longer
 * matches).
 */
export interface ConnectionHealth {
  lastSuccessfulSyncAt: Date | null;
  failedEvents24h: number;
  /** Requests refused at the front door (401, 408, 413, 415, 400), from the counters. */
  rejectedEvents24h: number;
  failedPushes24h: number;
  /** Failed push attempts to this storefront in 24 h, each retry counted. */
  failedPushAttempts24h: number;
  /** Pushes to this storefront that failed at least once and are waiting for their next attempt. */
  retryingPushes: number;
  /**
   * Signature failures from the platform's known addresses since its last valid delivery
   * (rejection-counts.ts): forgeries from elsewhere cannot raise it.
   */
  signatureMismatchStreak: number;
  /** open: the breaker is open or pushes are failing right now ("Failing"); recovering: failures without pushes waiting. */
  circuit: "closed" | "open" | "recovering";
  syncRunning: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export async function connectionHealth(
  db: TenantDb,
  connectionIds: string[],
  now = new Date(),
): Promise<Map<string, ConnectionHealth>> {
  const since = new Date(now.getTime() - DAY_MS);
  const where = { connectionId: { in: connectionIds } };
  const [connections, lastSuccess, events, pushes, running, rejected, streakOf, retrying, failedAttempts] =
    await Promise.all([
      db.connection.findMany({
        where: { id: { in: connectionIds } },
        select: { id: true, consecutiveFailures: true, circuitOpenUntil: true },
      }),
      db.syncRun.groupBy({
        by: ["connectionId"],
        where: { ...where, status: "SUCCEEDED" },
        _max: { finishedAt: true },
      }),
      // A delivery that was applied but not pushed failed at its storefront, and counts there, not at its source.
      db.webhookEvent.groupBy({
        by: ["connectionId", "status"],
        where: {
          ...where,
          status: "FAILED",
          receivedAt: { gte: since },
          OR: [{ verdict: null }, { verdict: { not: "APPLIED" } }],
        },
        _count: { _all: true },
      }),
      db.channelPush.groupBy({
        by: ["connectionId"],
        where: { ...where, state: "FAILED", createdAt: { gte: since } },
        _count: { _all: true },
      }),
      db.syncRun.findMany({
        where: { ...where, status: { in: ["QUEUED", "RUNNING"] } },
        select: { connectionId: true },
      }),
      rejectedPerConnection(db, since, connectionIds),
      knownSourceSignatureFailures(db, connectionIds, now),
      db.channelPush.groupBy({
        by: ["connectionId"],
        where: { ...where, state: "PENDING", error: { not: null } },
        _count: { _all: true },
      }),
      db.pipelineAttempt.groupBy({
        by: ["connectionId"],
        where: { ...where, kind: "PUSH", outcome: { in: ["FAILED", "RATE_LIMITED"] }, startedAt: { gte: since } },
        _count: { _all: true },
      }),
    ]);
  const runningIds = new Set(running.map((run) => run.connectionId));
  return new Map(
    connections.map((connection) => {
      const count = (status: string) =>
        events.find((row) => row.connectionId === connection.id && row.status === status)?._count._all ?? 0;
      const retryingPushes = retrying.find((row) => row.connectionId === connection.id)?._count._all ?? 0;
      // Failing while the breaker is open, a push waits for its retry, or the failures in a row since the last success reach the breaker's threshold.
      const open =
        (connection.circuitOpenUntil !== null && connection.circuitOpenUntil > now) ||
        retryingPushes > 0 ||
        connection.consecutiveFailures >= CIRCUIT_FAILURE_THRESHOLD;
      return [
        connection.id,
        {
          lastSuccessfulSyncAt: lastSuccess.find((row) => row.connectionId === connection.id)?._max.finishedAt ?? null,
          failedEvents24h: count("FAILED"),
          rejectedEvents24h: rejected.get(connection.id) ?? 0,
          failedPushes24h: pushes.find((row) => row.connectionId === connection.id)?._count._all ?? 0,
          failedPushAttempts24h: failedAttempts.find((row) => row.connectionId === connection.id)?._count._all ?? 0,
          retryingPushes,
          signatureMismatchStreak: streakOf.get(connection.id) ?? 0,
          circuit: open ? "open" : connection.consecutiveFailures > 0 ? "recovering" : "closed",
          syncRunning: runningIds.has(connection.id),
        },
      ];
    }),
  );
}
