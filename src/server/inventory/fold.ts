// The stock engine's rules as a pure function over one locked item and many changes: a single
// change (apply-change.ts applyLocked) is a fold of one, and a batch of deliveries applies set-wise
// (pipeline/apply-batch.ts), giving what applying its changes one by one in sourceAt order would give.
import type { ItemStatus } from "@/generated/prisma/client";
import {
  DEFAULT_LOCATION,
  describeChange,
  REPLAY_MEMORY_MS,
  sellableQuantity,
  statusFor,
  type ItemState,
} from "./stock-rules";

/** An item as S4 (the `FOR UPDATE` read) returns it. */
export interface LockedItem {
  id: string;
  quantity: number;
  status: ItemStatus;
  oneOfAKind: boolean;
  version: number;
  lastSourceAt: Date | null;
  levels: { locationId: string; quantity: number }[];
}

export interface TenantRules {
  safetyBuffer: number;
  sellingLocations: string[];
}

/** One resolved change of one event, for an item already linked. */
export interface FoldChange {
  /** `${webhookEventId}:${index}`: outcomes are keyed by it. */
  key: string;
  webhookEventId?: string;
  syncRunId?: string;
  quantity?: number;
  status?: ItemStatus;
  locationId?: string;
  sourceAt: Date;
  /** Tie-break for equal sourceAt: arrival order (receivedAt, then event id, then index). */
  order: string;
  source: string;
}

export type FoldOutcome =
  | { kind: "applied"; itemId: string; version: number; before: ItemState; after: ItemState; action: string }
  | { kind: "unchanged"; itemId: string; version: number; after: ItemState; action: string }
  | { kind: "stale"; itemId: string; action: string }
  | { kind: "duplicate"; itemId: string; action: string };

export interface FoldResult {
  outcomes: Map<string, FoldOutcome>;
  /** The item row to write (null when nothing about it changed, not even lastSourceAt). */
  item: { id: string; quantity: number; status: ItemStatus; version: number; lastSourceAt: Date } | null;
  /** Location levels to upsert (last write per location wins). */
  levels: { itemId: string; locationId: string; quantity: number }[];
  /** One StockChange row per applied change, in fold order (versions version+1, +2, …). */
  stockChanges: {
    itemId: string;
    quantityBefore: number;
    quantityAfter: number;
    statusBefore: ItemStatus;
    statusAfter: ItemStatus;
    source: string;
    webhookEventId?: string;
    syncRunId?: string;
  }[];
}

const isReplayed = (change: FoldChange, last: Date, now: number) =>
  change.source.startsWith("webhook") &&
  change.sourceAt.getTime() === last.getTime() &&
  now - change.sourceAt.getTime() > REPLAY_MEMORY_MS;

/**
 * Applies `changes` to `item` in sourceAt order (ties in arrival order), each under applyLocked's
 * rules against the running state: older than the running lastSourceAt is STALE, an equal time
 * past the front door's memory is a DUPLICATE, otherwise the level is set, sellable quantity and
 * status recomputed, and the change is APPLIED (version + 1, a StockChange) or UNCHANGED
 * (lastSourceAt only). The result equals applying the sorted changes one by one with applyLocked.
 */
export function foldItem(item: LockedItem, changes: FoldChange[], rules: TenantRules, now = Date.now()): FoldResult {
  const sorted = [...changes].sort(
    (a, b) => a.sourceAt.getTime() - b.sourceAt.getTime() || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0),
  );
  const levels = new Map(item.levels.map((level) => [level.locationId, level.quantity]));
  const touched = new Set<string>();
  let state: ItemState = { quantity: item.quantity, status: item.status };
  let version = item.version;
  let lastSourceAt = item.lastSourceAt;
  let wrote = false;
  const result: FoldResult = { outcomes: new Map(), item: null, levels: [], stockChanges: [] };

  for (const change of sorted) {
    if (lastSourceAt && change.sourceAt < lastSourceAt) {
      result.outcomes.set(change.key, {
        kind: "stale",
        itemId: item.id,
        action: `older than the last applied change (${lastSourceAt.toISOString()})`,
      });
      continue;
    }
    if (lastSourceAt && isReplayed(change, lastSourceAt, now)) {
      result.outcomes.set(change.key, {
        kind: "duplicate",
        itemId: item.id,
        action: `same source time as the last applied change (${lastSourceAt.toISOString()}), older than the front door's 72 h memory: a replayed copy, not a new change`,
      });
      continue;
    }
    if (change.quantity !== undefined) {
      const locationId = change.locationId ?? DEFAULT_LOCATION;
      levels.set(locationId, change.quantity);
      touched.add(locationId);
    }
    const list = [...levels].map(([locationId, quantity]) => ({ locationId, quantity }));
    const sellable = list.length ? sellableQuantity(list, rules.sellingLocations, rules.safetyBuffer) : state.quantity;
    const status = statusFor({ quantity: sellable, oneOfAKind: item.oneOfAKind, reported: change.status });
    const after: ItemState = { quantity: status === "SOLD" || status === "ARCHIVED" ? 0 : sellable, status };
    const before = state;
    lastSourceAt = change.sourceAt;
    wrote = true;
    if (after.quantity === before.quantity && after.status === before.status) {
      result.outcomes.set(change.key, {
        kind: "unchanged",
        itemId: item.id,
        version,
        after,
        action: describeChange(before, after),
      });
      continue;
    }
    version += 1;
    state = after;
    result.stockChanges.push({
      itemId: item.id,
      quantityBefore: before.quantity,
      quantityAfter: after.quantity,
      statusBefore: before.status,
      statusAfter: after.status,
      source: change.source,
      webhookEventId: change.webhookEventId,
      syncRunId: change.syncRunId,
    });
    result.outcomes.set(change.key, {
      kind: "applied",
      itemId: item.id,
      version,
      before,
      after,
      action: describeChange(before, after),
    });
  }
  if (wrote)
    result.item = { id: item.id, quantity: state.quantity, status: state.status, version, lastSourceAt: lastSourceAt! };
  result.levels = [...touched].map((locationId) => ({
    itemId: item.id,
    locationId,
    quantity: levels.get(locationId)!,
  }));
  return result;
}
