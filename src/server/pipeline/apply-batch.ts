import { Prisma, type PrismaClient, type Provider, type WebhookStatus } from "@/generated/prisma/client";
import { EXTERNAL_ID_LABELS, type ApplyOutcome } from "@/server/inventory/apply-change";
import { foldItem, type FoldChange, type LockedItem } from "@/server/inventory/fold";
import { countStockChanges } from "@/server/metrics/observe";
import { resolveChange, verdictOf, type SourceLookup, type StoredChange } from "./webhook-processing";

/**
 * Applies many deliveries of one tenant set-wise, under the same rules as one delivery at a time
 * (inventory/fold.ts). The statements, whatever the number of events:
 *   S1 claim every event (autocommit, so the sweeper sees PROCESSING and the run id at once);
 *   S2 read the links of every reported product;
 *   BEGIN · S3 lock the events in id order · S4 lock the items in id order (as reconcile does) ·
 *   S5 every write (levels, items, StockChange rows, verdicts, attempts, push rows) · COMMIT.
 * The verdicts commit with the stock they describe, so a re-run, a duplicate batch or a concurrent
 * run of the same event finds it final (S1) or waits on its row and then finds it final (S3):
 * nothing applies twice. Events lock before items, each in id order, so two runs cannot deadlock.
 */
const FINAL: WebhookStatus[] = ["APPLIED", "SKIPPED", "STALE", "DUPLICATE", "REJECTED"];

/** A push row written with the verdicts: one per (event, changed item, active channel). */
export interface PushRow {
  id: string;
  connectionId: string;
  itemId: string;
  externalId: string;
  webhookEventId: string;
}

export interface ApplyRequest {
  tenantId: string;
  eventIds: string[];
  runId: string;
  /** Inngest's attempt (0-based); stored as attempts = attempt + 1, like the claim of one event. */
  attempt: number;
  replay: boolean;
  /** Appended to each event's PROCESSING attempt detail, e.g. "batch of 37"; none on the fast path. */
  lane?: string;
  sourceFor: SourceLookup;
  /**
   * Called inside the transaction, before COMMIT, with the new push rows: a committed verdict then
   * never leaves a push unsent, and a failed commit leaves only events naming absent rows.
   */
  sendPushes: (pushes: PushRow[]) => Promise<void>;
  /**
   * The fast path makes each push's first attempt in this run's next step: the rows name the run,
   * so the sweeper re-sends them if the run is lost before that step (sweeper.ts).
   */
  pushesInThisRun?: boolean;
  /**
   * Called before the transaction with the events that listed no change (a Business Central
   * "collection" notification asks for a reconcile instead); it runs again if the apply is retried.
   */
  handOverEmpty?: (eventIds: string[]) => Promise<void>;
  now?: Date;
}

export type Verdict = ReturnType<typeof verdictOf>;

export interface ApplyResult {
  /** Events this run claimed (the others were final, or gone). */
  claimed: string[];
  verdicts: Record<string, Verdict>;
  /** Every applied change, in fold order per item: the outbound events' input. */
  applied: Extract<ApplyOutcome, { kind: "applied" }>[];
  /** Each claimed event's source connection. */
  connectionOf: Record<string, string>;
  /** The same, per event: outbound events name the delivery that caused each change. */
  appliedByEvent: Record<string, Extract<ApplyOutcome, { kind: "applied" }>[]>;
  pushes: PushRow[];
  /** Replays of events already applied (their verdict kept): the caller pushes their items again. */
  keptVerdict: {
    id: string;
    connectionId: string;
    status: WebhookStatus;
    action: string | null;
    itemId: string | null;
  }[];
  /** Events without a listed change: Business Central "collection" notifications are reconciled instead. */
  empty: string[];
  /** Batch only: events whose source read failed, left PROCESSING for the caller to hand on singly. */
  unresolved: { id: string; connectionId: string; error: string }[];
  /** Events another run finished between S1 and S3. */
  finishedElsewhere: string[];
}

interface ClaimedRow {
  id: string;
  connectionId: string;
  provider: Provider;
  baseUrl: string | null;
  changes: StoredChange[] | null;
  verdict: WebhookStatus | null;
  action: string | null;
  itemId: string | null;
  receivedAt: Date;
}

interface ResolvedRow {
  event: ClaimedRow;
  index: number;
  externalId: string;
  quantity?: number;
  status?: FoldChange["status"];
  locationId?: string;
  sourceAt: Date;
}

type LockedRow = Omit<LockedItem, "levels"> & {
  safetyBuffer: number;
  sellingLocations: string[];
  levels: LockedItem["levels"] | string;
};

type Transaction = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const json = (rows: unknown[]) => JSON.stringify(rows);
const asDate = (value: Date | string | null) => (value === null ? null : new Date(value));

export async function applyEvents(prisma: PrismaClient, req: ApplyRequest): Promise<ApplyResult> {
  const now = req.now ?? new Date();
  const { tenantId } = req;
  const claimed = await claim(prisma, req, now);
  const result: ApplyResult = {
    claimed: claimed.map((e) => e.id),
    connectionOf: Object.fromEntries(claimed.map((e) => [e.id, e.connectionId])),
    verdicts: {},
    applied: [],
    appliedByEvent: {},
    pushes: [],
    keptVerdict: [],
    empty: [],
    unresolved: [],
    finishedElsewhere: [],
  };
  if (!claimed.length) return result;

  const fresh = claimed.filter((e) => e.verdict !== "APPLIED");
  result.keptVerdict = claimed
    .filter((e) => e.verdict === "APPLIED")
    .map((e) => ({ id: e.id, connectionId: e.connectionId, status: e.verdict!, action: e.action, itemId: e.itemId }));
  result.empty = fresh.filter((e) => !(e.changes ?? []).length).map((e) => e.id);

  // Before the verdicts commit, so a failed hand-over is retried with the event still open.
  if (result.empty.length && req.handOverEmpty) await req.handOverEmpty(result.empty);

  const { resolved, unresolved } = await resolveAll(fresh, req);
  result.unresolved = unresolved;
  const unresolvedIds = new Set(unresolved.map((u) => u.id));
  const toApply = fresh.filter((e) => !unresolvedIds.has(e.id));
  if (!toApply.length) return result;

  // S2: the linked item of every reported product.
  const links = resolved.length
    ? await prisma.$queryRaw<{ connectionId: string; externalId: string; itemId: string }[]>`
        SELECT l."connectionId", l."externalId", l."itemId"
        FROM "ItemLink" l
        JOIN unnest(${resolved.map((r) => r.event.connectionId)}::text[], ${resolved.map((r) => r.externalId)}::text[]) AS p(c, x)
          ON l."connectionId" = p.c AND l."externalId" = p.x
        WHERE l."tenantId" = ${tenantId}`
    : [];
  const itemOf = new Map(links.map((l) => [`${l.connectionId}|${l.externalId}`, l.itemId]));
  const itemFor = (r: ResolvedRow) => itemOf.get(`${r.event.connectionId}|${r.externalId}`);

  // Every delivery's outcomes, counted once the transaction that decided them has committed.
  let decided: ApplyOutcome[] = [];
  await withDeadlockRetry(() =>
    prisma.$transaction(
      async (tx) => {
        decided = [];
        // S3: the events again, locked in id order; one another run finished meanwhile is left alone.
        const live = await tx.$queryRaw<{ id: string; status: WebhookStatus }[]>`
          SELECT e.id, e.status FROM "WebhookEvent" e
          WHERE e."tenantId" = ${tenantId} AND e.id = ANY(${toApply.map((e) => e.id)}::text[])
          ORDER BY e.id FOR UPDATE`;
        const open = new Set(live.filter((e) => e.status === "PROCESSING").map((e) => e.id));
        result.finishedElsewhere = toApply.filter((e) => !open.has(e.id)).map((e) => e.id);
        const work = resolved.filter((r) => open.has(r.event.id));
        const itemIds = [...new Set(work.flatMap((r) => itemFor(r) ?? []))].sort();

        // S4: the items, locked in id order, with their levels and the tenant's rules.
        const items = itemIds.length
          ? await tx.$queryRaw<LockedRow[]>`
              SELECT i.id, i.quantity, i.status::text AS status, i."oneOfAKind", i.version, i."lastSourceAt",
                     t."safetyBuffer", t."sellingLocations",
                     COALESCE((SELECT json_agg(json_build_object('locationId', s."locationId", 'quantity', s.quantity))
                               FROM "StockLevel" s WHERE s."itemId" = i.id), '[]'::json) AS levels
              FROM "Item" i JOIN "Tenant" t ON t.id = i."tenantId"
              WHERE i."tenantId" = ${tenantId} AND i.id = ANY(${itemIds}::text[])
              ORDER BY i.id FOR UPDATE OF i`
          : [];

        const writes = foldAll(items, work, itemFor, now);
        const verdictRows = toApply
          .filter((e) => open.has(e.id))
          .map((event) => {
            const outcomes = work
              .filter((r) => r.event.id === event.id)
              .map(
                (r): ApplyOutcome =>
                  writes.outcomes.get(`${event.id}:${r.index}`) ?? {
                    kind: "skipped",
                    action: `no local product for ${EXTERNAL_ID_LABELS[event.provider]} ${r.externalId}`,
                  },
              );
            decided.push(...outcomes);
            const verdict = verdictOf(outcomes);
            result.verdicts[event.id] = verdict;
            const applied = outcomes.filter(
              (o): o is Extract<ApplyOutcome, { kind: "applied" }> => o.kind === "applied",
            );
            result.applied.push(...applied);
            if (applied.length) result.appliedByEvent[event.id] = applied;
            return {
              id: event.id,
              connectionId: event.connectionId,
              status: verdict.status,
              action: verdict.action.slice(0, 1000),
              itemId: verdict.itemId ?? null,
              detail: (req.lane ? `${verdict.action} (${req.lane})` : verdict.action).slice(0, 1000),
            };
          });

        result.pushes = await writeAll(tx, req, now, writes, verdictRows);
        if (result.pushes.length) await req.sendPushes(result.pushes);
      },
      // A batch of a hundred events is a few statements, but waits for item locks other runs hold.
      { timeout: 60_000, maxWait: 30_000, isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted },
    ),
  );
  countStockChanges(
    decided.map(() => ({ source: "webhook" })),
    decided,
  );
  return result;
}

/** S1: marks every claimable event PROCESSING under this run and returns what it reports. */
function claim(prisma: PrismaClient, req: ApplyRequest, now: Date): Promise<ClaimedRow[]> {
  return prisma.$queryRaw<ClaimedRow[]>`
    WITH c AS (
      SELECT e.id FROM "WebhookEvent" e
      WHERE e."tenantId" = ${req.tenantId} AND e.id = ANY(${req.eventIds}::text[]) AND e.status::text <> ALL(${FINAL}::text[])
      ORDER BY e.id FOR UPDATE)
    UPDATE "WebhookEvent" e
    SET status = 'PROCESSING', attempts = ${req.attempt + 1}, error = NULL,
        "sentAt" = COALESCE(e."sentAt", ${now}::timestamp(3)), "inngestRunId" = ${req.runId}
    FROM c, "Connection" k
    WHERE e.id = c.id AND k.id = e."connectionId"
    RETURNING e.id, e."connectionId", k.provider::text AS provider, k."baseUrl", e.payload -> 'changes' AS changes,
              e.verdict::text AS verdict, e.action, e."itemId", e."receivedAt"`;
}

/**
 * Changes that carry no quantity are read from the source first (outside any transaction). On the
 * fast path a failed read fails the step and Inngest retries it; in a batch the event is set aside,
 * so one unreadable delivery never fails the others.
 */
async function resolveAll(fresh: ClaimedRow[], req: ApplyRequest) {
  const resolved: ResolvedRow[] = [];
  const unresolved: ApplyResult["unresolved"] = [];
  for (const event of fresh) {
    try {
      const mine: ResolvedRow[] = [];
      const asClaimed = {
        id: event.id,
        tenantId: req.tenantId,
        connectionId: event.connectionId,
        changes: [],
        alreadyFinal: false,
        unpushedItemIds: [],
      };
      for (const [index, change] of (event.changes ?? []).entries()) {
        const r = await resolveChange(asClaimed, change, req.sourceFor);
        mine.push({
          event,
          index,
          externalId: r.externalId,
          quantity: r.quantity,
          status: r.status,
          locationId: r.locationId,
          sourceAt: new Date(r.sourceAt),
        });
      }
      resolved.push(...mine);
    } catch (error) {
      if (req.eventIds.length === 1) throw error;
      unresolved.push({
        id: event.id,
        connectionId: event.connectionId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { resolved, unresolved };
}

interface Writes {
  outcomes: Map<string, ApplyOutcome>;
  levels: { itemId: string; locationId: string; quantity: number }[];
  items: { id: string; quantity: number; status: string; version: number; lastSourceAt: Date }[];
  stockChanges: unknown[];
  /** Shopify reported its own level: what the same store shows as a channel (apply-change.ts). */
  seen: { itemId: string; baseUrl: string | null; quantity: number }[];
  pushes: { webhookEventId: string; itemId: string; quantity: number; status: string }[];
}

/** The fold of every locked item's changes, in sourceAt order (ties in arrival order). */
function foldAll(
  items: LockedRow[],
  work: ResolvedRow[],
  itemFor: (r: ResolvedRow) => string | undefined,
  now: Date,
): Writes {
  const writes: Writes = { outcomes: new Map(), levels: [], items: [], stockChanges: [], seen: [], pushes: [] };
  for (const row of items) {
    const item: LockedItem = {
      ...row,
      lastSourceAt: asDate(row.lastSourceAt),
      levels: typeof row.levels === "string" ? JSON.parse(row.levels) : row.levels,
    };
    const mine = work.filter((r) => itemFor(r) === item.id);
    const folded = foldItem(
      item,
      mine.map((r) => ({
        key: `${r.event.id}:${r.index}`,
        webhookEventId: r.event.id,
        quantity: r.quantity,
        status: r.status,
        locationId: r.locationId,
        sourceAt: r.sourceAt,
        order: `${new Date(r.event.receivedAt).toISOString()}|${r.event.id}|${String(r.index).padStart(6, "0")}`,
        source: "webhook",
      })),
      { safetyBuffer: row.safetyBuffer, sellingLocations: row.sellingLocations },
      now.getTime(),
    );
    if (folded.item) writes.items.push(folded.item);
    writes.levels.push(...folded.levels);
    writes.stockChanges.push(...folded.stockChanges);
    for (const [key, outcome] of folded.outcomes) writes.outcomes.set(key, outcome);
    const pushers = new Set<string>();
    for (const r of mine) {
      const outcome = folded.outcomes.get(`${r.event.id}:${r.index}`);
      if (
        r.event.provider === "SHOPIFY" &&
        r.quantity !== undefined &&
        outcome?.kind !== "stale" &&
        outcome?.kind !== "duplicate"
      )
        writes.seen.push({ itemId: item.id, baseUrl: r.event.baseUrl, quantity: Math.max(0, r.quantity) });
      if (outcome?.kind === "applied") pushers.add(r.event.id);
    }
    // Pushes send absolute state: every row carries the item's final state after the batch.
    const final = folded.item ?? item;
    for (const webhookEventId of pushers)
      writes.pushes.push({ webhookEventId, itemId: item.id, quantity: final.quantity, status: final.status });
  }
  return writes;
}

/**
 * S5: every write in one statement of data-modifying CTEs (PostgreSQL runs each to completion
 * whether or not the final SELECT reads it). Times are parameters, never now(): the columns are
 * timestamps without time zone, holding UTC as Prisma writes them.
 */
async function writeAll(
  tx: Transaction,
  req: ApplyRequest,
  now: Date,
  writes: Writes,
  verdicts: {
    id: string;
    connectionId: string;
    status: string;
    action: string;
    itemId: string | null;
    detail: string;
  }[],
): Promise<PushRow[]> {
  const { tenantId } = req;
  return tx.$queryRaw<PushRow[]>`
    WITH
    lv AS (
      INSERT INTO "StockLevel" (id, "tenantId", "itemId", "locationId", quantity, "updatedAt")
      SELECT gen_random_uuid()::text, ${tenantId}, r."itemId", r."locationId", r.quantity, ${now}::timestamp(3)
      FROM jsonb_to_recordset(${json(writes.levels)}::jsonb) AS r("itemId" text, "locationId" text, quantity int)
      ON CONFLICT ("itemId", "locationId") DO UPDATE SET quantity = EXCLUDED.quantity, "updatedAt" = EXCLUDED."updatedAt"),
    it AS (
      UPDATE "Item" i
      SET quantity = r.quantity, status = r.status::"ItemStatus", version = r.version,
          "lastSourceAt" = r."lastSourceAt", "updatedAt" = ${now}::timestamp(3)
      FROM jsonb_to_recordset(${json(writes.items)}::jsonb)
        AS r(id text, quantity int, status text, version int, "lastSourceAt" timestamp(3))
      WHERE i.id = r.id AND i."tenantId" = ${tenantId}),
    sc AS (
      INSERT INTO "StockChange" (id, "tenantId", "itemId", "quantityBefore", "quantityAfter", "statusBefore", "statusAfter",
                                 source, "webhookEventId", "createdAt")
      SELECT gen_random_uuid()::text, ${tenantId}, r."itemId", r."quantityBefore", r."quantityAfter",
             r."statusBefore"::"ItemStatus", r."statusAfter"::"ItemStatus", r.source, r."webhookEventId",
             -- A millisecond apart, in fold order, so an item's history lists a batch's changes in order.
             ${now}::timestamp(3) + (r.n - 1) * interval '1 millisecond'
      FROM jsonb_to_recordset(${json(writes.stockChanges.map((change, index) => ({ ...(change as object), n: index + 1 })))}::jsonb)
        AS r("itemId" text, "quantityBefore" int, "quantityAfter" int, "statusBefore" text, "statusAfter" text,
             source text, "webhookEventId" text, n int)),
    ev AS (
      UPDATE "WebhookEvent" e
      SET status = r.status::"WebhookStatus", verdict = r.status::"WebhookStatus", action = r.action, "itemId" = r."itemId",
          "appliedAt" = ${now}::timestamp(3), "completedAt" = ${now}::timestamp(3), error = NULL
      FROM jsonb_to_recordset(${json(verdicts)}::jsonb) AS r(id text, status text, action text, "itemId" text)
      WHERE e.id = r.id AND e."tenantId" = ${tenantId} AND e.status = 'PROCESSING'),
    pa AS (
      INSERT INTO "PipelineAttempt" (id, "tenantId", kind, "webhookEventId", "connectionId", "itemId", number, outcome,
                                     detail, replay, "inngestRunId", "startedAt", "finishedAt")
      SELECT gen_random_uuid()::text, ${tenantId}, 'PROCESSING', r.id, r."connectionId", r."itemId", ${req.attempt + 1},
             r.status, r.detail, ${req.replay}, ${req.runId}, ${now}::timestamp(3), ${new Date()}::timestamp(3)
      FROM jsonb_to_recordset(${json(verdicts)}::jsonb)
        AS r(id text, "connectionId" text, "itemId" text, status text, detail text)),
    cq AS (
      UPDATE "ItemLink" l SET "channelQuantity" = r.quantity
      FROM jsonb_to_recordset(${json(writes.seen)}::jsonb) AS r("itemId" text, "baseUrl" text, quantity int), "Connection" c
      WHERE l."tenantId" = ${tenantId} AND l."itemId" = r."itemId" AND c.id = l."connectionId"
        AND c.provider = 'SHOPIFY' AND c.direction = 'CHANNEL' AND c."baseUrl" IS NOT DISTINCT FROM r."baseUrl"),
    cp AS (
      INSERT INTO "ChannelPush" (id, "tenantId", "connectionId", "itemId", "webhookEventId", quantity, status, "createdAt",
                                 "inngestRunId")
      SELECT gen_random_uuid()::text, ${tenantId}, l."connectionId", l."itemId", r."webhookEventId", r.quantity,
             r.status::"ItemStatus", ${now}::timestamp(3), ${req.pushesInThisRun ? req.runId : null}
      FROM jsonb_to_recordset(${json(writes.pushes)}::jsonb) AS r("webhookEventId" text, "itemId" text, quantity int, status text)
      JOIN "ItemLink" l ON l."itemId" = r."itemId" AND l."tenantId" = ${tenantId}
      JOIN "Connection" c ON c.id = l."connectionId" AND c.direction = 'CHANNEL' AND c.status = 'ACTIVE'
      RETURNING id, "connectionId", "itemId", "webhookEventId")
    SELECT cp.id, cp."connectionId", cp."itemId", l."externalId", cp."webhookEventId"
    FROM cp JOIN "ItemLink" l ON l."itemId" = cp."itemId" AND l."connectionId" = cp."connectionId"
    ORDER BY cp."connectionId", cp."itemId"`;
}

/** The sweeper's unordered updates can still meet a batch on event rows: retry such a deadlock. */
async function withDeadlockRetry<T>(run: () => Promise<T>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const text = error instanceof Error ? `${error.message} ${JSON.stringify(error)}` : String(error);
      if (attempt >= tries || !/40P01|deadlock/i.test(text)) throw error;
    }
  }
}

/** Fails every event of a run (a batch's onFailure gets only its first event from Inngest). */
export async function failEvents(
  prisma: PrismaClient,
  target: { ids: string[]; runId?: string },
  message: string,
): Promise<number> {
  return prisma.$executeRaw`
    UPDATE "WebhookEvent"
    SET status = 'FAILED', error = ${message.slice(0, 1000)}, "completedAt" = ${new Date()}::timestamp(3)
    WHERE (id = ANY(${target.ids}::text[]) OR "inngestRunId" = ${target.runId ?? null})
      AND status::text <> ALL(${FINAL}::text[])`;
}
