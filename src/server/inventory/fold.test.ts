import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { foldItem, type FoldChange, type LockedItem } from "./fold";

const at = (second: number) => new Date(Date.UTC(2026, 11, 6, 10, 0, second));
const change = (key: string, second: number, quantity?: number, extra: Partial<FoldChange> = {}): FoldChange => ({
  key,
  webhookEventId: key,
  quantity,
  sourceAt: at(second),
  order: key,
  source: "webhook",
  ...extra,
});
const artwork: LockedItem = {
  id: "i",
  quantity: 1,
  status: "AVAILABLE",
  oneOfAKind: true,
  version: 0,
  lastSourceAt: null,
  levels: [],
};
const noRules = { safetyBuffer: 0, sellingLocations: [] };

/** Applies each change alone, in sourceAt order (ties in arrival order): what one delivery at a time gives. */
function oneByOne(start: LockedItem, changes: FoldChange[], rules: typeof noRules) {
  let item = start;
  const kinds = new Map<string, string>();
  const history: { before: number; after: number }[] = [];
  const sorted = [...changes].sort(
    (a, b) => a.sourceAt.getTime() - b.sourceAt.getTime() || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0),
  );
  for (const c of sorted) {
    const one = foldItem(item, [c], rules);
    kinds.set(c.key, one.outcomes.get(c.key)!.kind);
    history.push(...one.stockChanges.map((s) => ({ before: s.quantityBefore, after: s.quantityAfter })));
    if (one.item) {
      const touched = new Set(one.levels.map((level) => level.locationId));
      item = {
        ...item,
        ...one.item,
        levels: [
          ...item.levels.filter((level) => !touched.has(level.locationId)),
          ...one.levels.map(({ locationId, quantity }) => ({ locationId, quantity })),
        ],
      };
    }
  }
  return { item, kinds, history };
}

/** A seeded Fisher–Yates shuffle: any arrival order, reproducible from fast-check's seed. */
function shuffled<T>(list: T[], seed: number): T[] {
  const copy = [...list];
  let state = seed || 1;
  for (let i = copy.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe("folding a batch of changes into one item", () => {
  it("keeps applyLocked's rules for single changes", () => {
    expect(foldItem(artwork, [change("sold", 1, 0)], noRules).item).toEqual({
      id: "i",
      quantity: 0,
      status: "SOLD",
      version: 1,
      lastSourceAt: at(1),
    });
    const restock = foldItem(
      { ...artwork, oneOfAKind: false, quantity: 0, status: "OUT_OF_STOCK" },
      [change("restock", 1, 4)],
      noRules,
    );
    expect(restock.item?.status).toBe("AVAILABLE");
    const stale = foldItem({ ...artwork, lastSourceAt: at(5) }, [change("old", 1, 0)], noRules);
    expect(stale.outcomes.get("old")?.kind).toBe("stale");
    expect(stale.item).toBeNull();
    const buffered = foldItem(
      { ...artwork, oneOfAKind: false, quantity: 10, levels: [{ locationId: "a", quantity: 10 }] },
      [change("b", 1, 5, { locationId: "b" })],
      { safetyBuffer: 2, sellingLocations: ["a", "b"] },
    );
    expect(buffered.item?.quantity).toBe(13);
  });

  it("orders changes by source time whatever order they arrived in", () => {
    const folded = foldItem(
      { ...artwork, oneOfAKind: false, quantity: 5 },
      [change("late", 3, 1), change("early", 1, 4)],
      noRules,
    );
    expect(folded.item).toMatchObject({ quantity: 1, version: 2, lastSourceAt: at(3) });
    expect(folded.stockChanges.map((s) => [s.quantityBefore, s.quantityAfter])).toEqual([
      [5, 4],
      [4, 1],
    ]);
  });

  it("gives what applying the changes one by one in source-time order gives (property)", () => {
    const item = fc.record({
      quantity: fc.nat(5),
      oneOfAKind: fc.boolean(),
      version: fc.nat(3),
      lastSourceAt: fc.option(fc.nat(10), { nil: null }),
      level: fc.option(fc.nat(5), { nil: null }),
    });
    const changes = fc.array(
      fc.record({
        second: fc.nat(12),
        quantity: fc.option(fc.nat(6), { nil: undefined }),
        otherLocation: fc.boolean(),
        sold: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      }),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(item, changes, fc.nat(2), fc.nat(), (start, drawn, safetyBuffer, seed) => {
        const locked: LockedItem = {
          id: "i",
          quantity: start.quantity,
          status: "AVAILABLE",
          oneOfAKind: start.oneOfAKind,
          version: start.version,
          lastSourceAt: start.lastSourceAt === null ? null : at(start.lastSourceAt),
          levels: start.level === null ? [] : [{ locationId: "default", quantity: start.level }],
        };
        const list = drawn.map((d, index) =>
          change(`e${index}`, d.second, d.quantity, {
            order: String(index).padStart(3, "0"),
            locationId: d.otherLocation ? "x" : undefined,
            status: d.sold ? "SOLD" : undefined,
          }),
        );
        // Arrival order is any permutation: the fold must not depend on it.
        const arrived = shuffled(list, seed);
        const rules = { safetyBuffer, sellingLocations: [] };
        const batch = foldItem(locked, arrived, rules);
        const reference = oneByOne(locked, list, rules);
        expect(new Map([...batch.outcomes].map(([key, o]) => [key, o.kind]))).toEqual(reference.kinds);
        expect(batch.item?.version ?? locked.version).toBe(reference.item.version);
        expect(batch.item?.quantity ?? locked.quantity).toBe(reference.item.quantity);
        expect(batch.item?.status ?? locked.status).toBe(reference.item.status);
        expect(batch.stockChanges.map((s) => ({ before: s.quantityBefore, after: s.quantityAfter }))).toEqual(
          reference.history,
        );
        // Versions are consecutive: one per StockChange.
        expect(batch.stockChanges.length).toBe((batch.item?.version ?? locked.version) - locked.version);
      }),
      { numRuns: 2000 },
    );
  });
});
