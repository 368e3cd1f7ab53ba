import { z } from "zod";
import { decodeCursor, encodeCursor } from "./cursor";
import { type SourceStockItem, type StockPage } from "./types";

/**
 * Offset pagination (WooCommerce) shifts under concurrent writes: a removal before the read
 * position slides an unread item backwards, past the reader; an insert before it repeats one.
 * We list in id order, so inserts (new, higher ids) land at the end; each request re-reads the
 * last row already seen, and if that row is no longer where we left it (something before it
 * was removed) we step back until we overlap again. Rows at or below the highest id yielded
 * are dropped. Every item present for the whole scan is yielded exactly once.
 */
const offsetCursorSchema = z.object({ offset: z.number().int().nonnegative(), lastId: z.number().nullable() });
type OffsetCursor = z.infer<typeof offsetCursorSchema>;

export interface OffsetScan<R> {
  perPage: number;
  fetchRows(offset: number, limit: number): Promise<{ rows: R[]; total: number }>;
  idOf(row: R): number;
  /** One row may expand to several stock items (variations), fetched lazily. */
  toItems(row: R): Promise<SourceStockItem[]> | SourceStockItem[];
}

export async function scanByOffset<R>(scan: OffsetScan<R>, cursor: string | undefined): Promise<StockPage> {
  const state: OffsetCursor = cursor ? decodeCursor(cursor, offsetCursorSchema) : { offset: 0, lastId: null };
  const seen = state.lastId ?? Number.NEGATIVE_INFINITY;
  let start = Math.max(0, state.offset - 1);
  let fetched = await scan.fetchRows(start, scan.perPage);
  const overlaps = () => {
    const first = fetched.rows[0];
    return first !== undefined && scan.idOf(first) <= seen;
  };
  while (start > 0 && !overlaps()) {
    start = Math.max(0, start - scan.perPage);
    fetched = await scan.fetchRows(start, scan.perPage);
  }
  const fresh = fetched.rows.filter((row) => scan.idOf(row) > seen);
  const items: SourceStockItem[] = [];
  for (const row of fresh) items.push(...(await scan.toItems(row)));
  const next = start + fetched.rows.length;
  const lastId = fresh.length > 0 ? Math.max(...fresh.map(scan.idOf)) : state.lastId;
  const done = fetched.rows.length === 0 || next >= fetched.total;
  return { items, nextCursor: done ? null : encodeCursor<OffsetCursor>({ offset: next, lastId }) };
}

/** Keyset pagination (BigCommerce's `id:greater`): immune to shifts, the cursor is the last id. */
const keysetCursorSchema = z.object({ after: z.number() });

export function decodeKeyset(cursor: string | undefined): number | undefined {
  return cursor ? decodeCursor(cursor, keysetCursorSchema).after : undefined;
}

export function encodeKeyset(after: number): string {
  return encodeCursor({ after });
}
