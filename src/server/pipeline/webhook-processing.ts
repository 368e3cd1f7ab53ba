import type { ItemStatus, PrismaClient, WebhookStatus } from "@/generated/prisma/client";
import type { SourceConnector } from "@/server/connectors";
import { applyStockChange, type ApplyOutcome } from "@/server/inventory/apply-change";
import { clipText } from "@/shared/clip-text";
import type { InboundStockChange } from "@/server/inbound/providers/types";

/**
 * The durable function's steps as plain functions, so each can be tested without Inngest:
 * claim the event, apply its changes, record the verdict in the event log.
 */
const FINAL: WebhookStatus[] = ["APPLIED", "SKIPPED", "STALE", "DUPLICATE", "REJECTED"];

export interface ClaimedEvent {
  id: string;
  tenantId: string;
  connectionId: string;
  changes: StoredChange[];
  alreadyFinal: boolean;
  /** Items whose channel pushes have not all succeeded yet (a replay pushes them again). */
  unpushedItemIds: string[];
  /**
   * Set when the delivery's change was already applied and only a storefront push failed: a
   * replay then pushes again without applying anything, and the original outcome stays.
   */
  keptVerdict?: { status: WebhookStatus; action: string | null; itemId: string | null };
}

/** A change as stored in the event's payload (dates as ISO strings). */
export type StoredChange = Omit<InboundStockChange, "sourceAt"> & { sourceAt: string };

/**
 * Marks the event PROCESSING and returns what to apply, or null when the event is gone (its
 * tenant or connection was deleted, or retention removed it while it waited): nothing is left
 * to do, and retrying would only find it gone again.
 */
export async function claimWebhookEvent(
  prisma: PrismaClient,
  tenantId: string,
  webhookEventId: string,
  attempt: number,
  inngestRunId?: string,
): Promise<ClaimedEvent | null> {
  const event = await prisma.webhookEvent.findFirst({
    where: { id: webhookEventId, tenantId },
    select: {
      id: true,
      tenantId: true,
      connectionId: true,
      status: true,
      payload: true,
      sentAt: true,
      verdict: true,
      action: true,
      itemId: true,
    },
  });
  if (!event) return null;
  const alreadyFinal = FINAL.includes(event.status);
  const keptVerdict =
    !alreadyFinal && event.verdict === "APPLIED"
      ? { status: event.verdict, action: event.action, itemId: event.itemId }
      : undefined;
  if (!alreadyFinal) {
    await prisma.webhookEvent.update({
      where: { id: event.id },
      data: {
        status: "PROCESSING",
        attempts: attempt + 1,
        error: null,
        sentAt: event.sentAt ?? new Date(),
        inngestRunId,
      },
    });
  }
  const unfinished = await prisma.channelPush.findMany({
    where: { tenantId, webhookEventId: event.id, state: { not: "SUCCEEDED" } },
    distinct: ["itemId"],
    select: { itemId: true },
  });
  const payload = (event.payload ?? {}) as { changes?: StoredChange[] };
  return {
    id: event.id,
    tenantId: event.tenantId,
    connectionId: event.connectionId,
    changes: keptVerdict ? [] : (payload.changes ?? []),
    alreadyFinal,
    unpushedItemIds: unfinished.map((p) => p.itemId),
    ...(keptVerdict ? { keptVerdict } : {}),
  };
}

export interface ResolvedChange {
  externalId: string;
  quantity?: number;
  status?: ItemStatus;
  locationId?: string;
  sourceAt: string;
}

export type SourceLookup = (tenantId: string, connectionId: string) => Promise<Pick<SourceConnector, "getItem">>;

/**
 * Some deliveries say only that an item changed (Business Central notifications, BigCommerce
 * relative adjustments): the item's current stock is fetched from the source connector.
 */
export async function resolveChange(
  event: ClaimedEvent,
  change: StoredChange,
  sourceFor: SourceLookup,
): Promise<ResolvedChange> {
  if (change.quantity !== undefined || change.status === "ARCHIVED") return change;
  const current = await (await sourceFor(event.tenantId, event.connectionId)).getItem(change.externalId);
  const reportedAt = new Date(change.sourceAt);
  return {
    externalId: change.externalId,
    quantity: current.quantity,
    status: current.status === "SOLD" || current.status === "ARCHIVED" ? current.status : undefined,
    locationId: current.locationId ?? change.locationId,
    sourceAt: (current.updatedAt > reportedAt ? current.updatedAt : reportedAt).toISOString(),
  };
}

export function applyResolvedChange(
  prisma: PrismaClient,
  event: ClaimedEvent,
  change: ResolvedChange,
): Promise<ApplyOutcome> {
  return applyStockChange(prisma, event.tenantId, {
    connectionId: event.connectionId,
    externalId: change.externalId,
    quantity: change.quantity,
    status: change.status,
    locationId: change.locationId,
    sourceAt: new Date(change.sourceAt),
    source: "webhook",
    webhookEventId: event.id,
  });
}

/** The event's final status: APPLIED if anything applied, else STALE, else DUPLICATE, else SKIPPED. */
export function verdictOf(outcomes: ApplyOutcome[]): { status: WebhookStatus; action: string; itemId?: string } {
  const applied = outcomes.filter((o) => o.kind === "applied" || o.kind === "unchanged");
  const action = outcomes.map((o) => o.action).join("; ") || "no stock changes in this delivery";
  const itemId = outcomes.map((o) => ("itemId" in o ? o.itemId : undefined)).find(Boolean);
  if (applied.length) return { status: "APPLIED", action, itemId };
  if (outcomes.some((o) => o.kind === "stale")) return { status: "STALE", action, itemId };
  if (outcomes.some((o) => o.kind === "duplicate")) return { status: "DUPLICATE", action, itemId };
  return { status: "SKIPPED", action, itemId };
}

export async function recordVerdict(
  prisma: PrismaClient,
  eventId: string,
  verdict: ReturnType<typeof verdictOf>,
): Promise<void> {
  const now = new Date();
  await prisma.webhookEvent.update({
    where: { id: eventId },
    data: {
      status: verdict.status,
      verdict: verdict.status,
      action: verdict.action.slice(0, 1000),
      itemId: verdict.itemId,
      appliedAt: now,
      completedAt: now,
      error: null,
    },
  });
}

/** A replay that only pushed again: the event returns to its original verdict, its action untouched. */
export async function restoreVerdict(prisma: PrismaClient, eventId: string, status: WebhookStatus): Promise<void> {
  await prisma.webhookEvent.update({ where: { id: eventId }, data: { status, completedAt: new Date(), error: null } });
}

export async function recordFailure(prisma: PrismaClient, eventId: string, error: string): Promise<void> {
  // updateMany: an event deleted meanwhile has nothing to record, which is not a second failure.
  await prisma.webhookEvent.updateMany({
    where: { id: eventId },
    data: { status: "FAILED", error: clipText(error, 1000), completedAt: new Date() },
  });
}
