import type { PrismaClient } from "@/generated/prisma/client";
import { connectorForConnection } from "@/server/connectors/tenant-connector";
import {
  ensureConnectionSubscriptions,
  removeConnectionSubscriptions,
  SUBSCRIBING_PROVIDERS,
  type TopicOutcome,
} from "./platform-subscriptions";

/**
 * Subscribing right after the wizard (or a credentials change) rather than at the next hourly
 * pass, so the store delivers from its first sale and the wizard can say at once when the
 * credentials lack a scope. A slow or unreachable platform does not hold the wizard: after
 * `timeoutMs` the job takes over (and the hourly pass would too).
 */
export const SUBSCRIBE_ON_SETUP_TIMEOUT_MS = 20_000;

export type SetupSubscription =
  | { state: "not_applicable" }
  | { state: "subscribed"; topics: TopicOutcome[] }
  | { state: "failed"; topics: TopicOutcome[]; reason: string }
  | { state: "pending" };

interface Target {
  tenantId: string;
  connectionId: string;
}

type SendEnsure = (target: Target) => Promise<unknown>;

export function subscribesThroughApi(connection: { provider: string; direction: string }): boolean {
  return (
    connection.direction === "SOURCE" && (SUBSCRIBING_PROVIDERS as readonly string[]).includes(connection.provider)
  );
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function subscribeAfterSetup(
  prisma: PrismaClient,
  target: Target,
  connection: { provider: string; direction: string },
  deps: { appUrl: string; sendEnsure: SendEnsure; timeoutMs?: number },
): Promise<SetupSubscription> {
  if (!subscribesThroughApi(connection)) return { state: "not_applicable" };
  const work = connectorForConnection(prisma, target.tenantId, target.connectionId).then((connector) =>
    ensureConnectionSubscriptions(prisma, target, { connector, appUrl: deps.appUrl }),
  );
  try {
    const result = await withTimeout(work, deps.timeoutMs ?? SUBSCRIBE_ON_SETUP_TIMEOUT_MS);
    if (result !== "timeout") {
      const failed = result.outcomes.find((outcome) => outcome.action === "failed");
      return failed
        ? {
            state: "failed",
            topics: result.outcomes,
            reason: failed.reason ?? "The platform refused the webhook subscription.",
          }
        : { state: "subscribed", topics: result.outcomes };
    }
  } catch {
    // A transient platform error: the job retries it.
  }
  work.catch(() => undefined);
  await deps.sendEnsure(target).catch(() => undefined);
  return { state: "pending" };
}

/** Before a connection is deleted: its subscriptions go first, bounded so deleting never hangs on a platform. */
export async function unsubscribeBeforeDelete(
  prisma: PrismaClient,
  target: Target,
  connection: { provider: string; direction: string },
  deps: { appUrl: string; timeoutMs?: number },
) {
  const rows = await prisma.platformSubscription.count({
    where: { connectionId: target.connectionId, tenantId: target.tenantId },
  });
  if (!subscribesThroughApi(connection) && rows === 0) return { removed: 0, errors: [] as string[] };
  const work = connectorForConnection(prisma, target.tenantId, target.connectionId).then((connector) =>
    removeConnectionSubscriptions(prisma, target, { connector, appUrl: deps.appUrl }),
  );
  work.catch(() => undefined);
  const result = await withTimeout(work, deps.timeoutMs ?? SUBSCRIBE_ON_SETUP_TIMEOUT_MS).catch((error: unknown) => ({
    removed: 0,
    errors: [error instanceof Error ? error.message : String(error)],
  }));
  return result === "timeout" ? { removed: 0, errors: ["the platform did not answer in time"] } : result;
}
