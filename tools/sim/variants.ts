import { type SimItem } from "./catalogue";
import { type SimStore } from "./store";

/**
 * Products whose stock lives on their variants: WooCommerce variable products (stock on each
 * variation) and BigCommerce products tracked by variant. The parent takes one catalogue slot of
 * its own (so its id is unique among products) and each variant one more; stock changes on a
 * variant are ordinary catalogue changes, so sales, webhooks and controls work on them by SKU.
 */
export interface VariantSpec {
  sku: string;
  /** The option that tells variants apart, e.g. "Large". */
  option: string;
  quantity: number;
}

export interface VariableProduct {
  parentIndex: number;
  name: string;
  variantIndices: number[];
  options: Map<number, string>;
}

const KEY = "variants:products";

function registry(store: SimStore): {
  byParent: Map<number, VariableProduct>;
  byVariant: Map<number, VariableProduct>;
} {
  if (!store.extra.has(KEY)) store.extra.set(KEY, { byParent: new Map(), byVariant: new Map() });
  return store.extra.get(KEY) as { byParent: Map<number, VariableProduct>; byVariant: Map<number, VariableProduct> };
}

export function addVariableProduct(
  store: SimStore,
  spec: { name: string; sku: string; variants: VariantSpec[] },
): VariableProduct {
  if (spec.variants.length === 0) throw new RangeError("a variable product needs at least one variant");
  const parent = store.add({ sku: spec.sku, title: spec.name, quantity: 0, unique: false });
  const product: VariableProduct = {
    parentIndex: parent.index,
    name: spec.name,
    variantIndices: [],
    options: new Map(),
  };
  for (const variant of spec.variants) {
    const item = store.add({
      sku: variant.sku,
      title: `${spec.name} — ${variant.option}`,
      quantity: variant.quantity,
      unique: false,
    });
    product.variantIndices.push(item.index);
    product.options.set(item.index, variant.option);
  }
  const { byParent, byVariant } = registry(store);
  byParent.set(parent.index, product);
  for (const index of product.variantIndices) byVariant.set(index, product);
  return product;
}

/** The variable product this catalogue slot is the parent of, if any. */
export function variableProductAt(store: SimStore, index: number): VariableProduct | undefined {
  return registry(store).byParent.get(index);
}

/** The variable product this item is a variant of, if any. */
export function parentOf(store: SimStore, item: Pick<SimItem, "index">): VariableProduct | undefined {
  return registry(store).byVariant.get(item.index);
}

export function variantsOf(store: SimStore, product: VariableProduct): SimItem[] {
  return product.variantIndices
    .map((index) => store.catalogue.item(index))
    .filter((item): item is SimItem => item !== undefined && item.state !== "deleted");
}
