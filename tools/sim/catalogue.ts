/**
 * A simulated store's stock, deterministic from a seed. Items are not materialised: sku, title
 * and starting quantity are computed from (seed, index) on demand, and only the mutable state
 * (quantity, lifecycle, modification time) is kept, in flat arrays. 50,000 items cost a few
 * hundred kilobytes and build instantly.
 */
export interface ItemSpec {
  sku: string;
  title: string;
  quantity: number;
  unique: boolean;
}

export type ItemState = "active" | "reserved" | "archived" | "deleted";
const STATES: readonly ItemState[] = ["active", "reserved", "archived", "deleted"];

export interface SimItem extends ItemSpec {
  index: number;
  state: ItemState;
  updatedAt: Date;
  /** Creation order; page-based APIs list by it. */
  createdAt: Date;
}

export interface CatalogueOptions {
  size?: number;
  seed?: number;
  /** Explicit items for the first indices (the demo gallery); the rest are generated. */
  items?: readonly ItemSpec[];
  /** Generated items were "created" one second apart from here. */
  epoch?: Date;
}

export const MAX_CATALOGUE_SIZE = 50_000;
const DEFAULT_EPOCH = Date.UTC(2025, 0, 1);

const SUBJECTS = [
  "Harbour",
  "Salt Marsh",
  "Red Kite",
  "Quiet Room",
  "Low Tide",
  "Blue Hour",
  "Northern Field",
  "Paper Moon",
  "Pears",
  "Estuary",
  "Orchard",
  "Lighthouse",
];
const MEDIA = ["oil on canvas", "watercolour", "etching", "bronze", "linocut", "giclée print"];

/** mulberry32 over (seed, index): the same seed always yields the same catalogue. */
export function hash(seed: number, index: number): number {
  let t = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

export function generatedSpec(seed: number, index: number): ItemSpec {
  const h = hash(seed, index);
  const unique = h % 10 < 7;
  const subject = SUBJECTS[h % SUBJECTS.length] ?? "Untitled";
  const medium = MEDIA[(h >>> 8) % MEDIA.length] ?? "mixed media";
  return {
    sku: `ART-${String(index + 1).padStart(4, "0")}`,
    title: `${subject} ${((h >>> 16) % 50) + 1} (${medium})`,
    quantity: unique ? 1 : (h >>> 4) % 20,
    unique,
  };
}

export class Catalogue {
  readonly seed: number;
  private readonly epoch: number;
  private readonly explicit = new Map<number, ItemSpec>();
  private readonly quantities: number[] = [];
  private readonly states: number[] = [];
  /** 0 means "never modified since generation": the creation time stands in. */
  private readonly modifiedAt: number[] = [];
  private readonly createdAt: number[] = [];
  private skuIndex: Map<string, number> | undefined;

  constructor(options: CatalogueOptions = {}) {
    this.seed = options.seed ?? 1;
    this.epoch = options.epoch?.getTime() ?? DEFAULT_EPOCH;
    const size = Math.max(options.size ?? 0, options.items?.length ?? 0);
    if (size > MAX_CATALOGUE_SIZE) throw new RangeError(`A simulated store holds at most ${MAX_CATALOGUE_SIZE} items`);
    options.items?.forEach((spec, index) => this.explicit.set(index, spec));
    for (let index = 0; index < size; index++) {
      this.quantities.push(this.spec(index).quantity);
      this.states.push(0);
      this.modifiedAt.push(0);
      this.createdAt.push(this.epoch + index * 1000);
    }
  }

  /** Every index ever used, deleted ones included: ids stay stable. */
  get length(): number {
    return this.quantities.length;
  }

  private spec(index: number): ItemSpec {
    return this.explicit.get(index) ?? generatedSpec(this.seed, index);
  }

  item(index: number): SimItem | undefined {
    const quantity = this.quantities[index];
    if (quantity === undefined) return undefined;
    const created = this.createdAt[index] ?? this.epoch;
    return {
      ...this.spec(index),
      index,
      quantity,
      state: STATES[this.states[index] ?? 0] ?? "active",
      updatedAt: new Date(this.modifiedAt[index] || created),
      createdAt: new Date(created),
    };
  }

  indexOfSku(sku: string): number | undefined {
    if (!this.skuIndex) {
      this.skuIndex = new Map();
      for (let index = 0; index < this.length; index++) this.skuIndex.set(this.spec(index).sku, index);
    }
    const index = this.skuIndex.get(sku);
    return index !== undefined && this.states[index] !== 3 ? index : undefined;
  }

  add(spec: Partial<ItemSpec> = {}, at = Date.now()): SimItem {
    const index = this.length;
    if (index >= MAX_CATALOGUE_SIZE)
      throw new RangeError(`A simulated store holds at most ${MAX_CATALOGUE_SIZE} items`);
    const full = { ...generatedSpec(this.seed, index), ...spec };
    this.explicit.set(index, full);
    this.quantities.push(full.quantity);
    this.states.push(0);
    this.modifiedAt.push(at);
    this.createdAt.push(at);
    this.skuIndex?.set(full.sku, index);
    return this.item(index) as SimItem;
  }

  setQuantity(index: number, quantity: number, at = Date.now()): SimItem | undefined {
    if (this.quantities[index] === undefined || this.states[index] === 3) return undefined;
    this.quantities[index] = Math.max(0, Math.trunc(quantity));
    this.modifiedAt[index] = at;
    return this.item(index);
  }

  setState(index: number, state: ItemState, at = Date.now()): SimItem | undefined {
    if (this.quantities[index] === undefined) return undefined;
    this.states[index] = STATES.indexOf(state);
    this.modifiedAt[index] = at;
    return this.item(index);
  }

  /**
   * Indices of live items matching cheap filters, without building item objects: page-numbered
   * APIs need the full count on every page, and 50,000 objects per request would dominate.
   */
  indices(filter: { includeArchived?: boolean; modifiedAfterMs?: number } = {}): number[] {
    const result: number[] = [];
    const archived = STATES.indexOf("archived");
    for (let index = 0; index < this.length; index++) {
      const state = this.states[index];
      if (state === 3 || (state === archived && !filter.includeArchived)) continue;
      if (
        filter.modifiedAfterMs !== undefined &&
        (this.modifiedAt[index] || this.createdAt[index] || 0) <= filter.modifiedAfterMs
      )
        continue;
      result.push(index);
    }
    return result;
  }

  /** Live items (not deleted) from `start` in index order, lazily. */
  *live(start = 0): Generator<SimItem> {
    for (let index = Math.max(0, start); index < this.length; index++) {
      if (this.states[index] !== 3) yield this.item(index) as SimItem;
    }
  }
}
