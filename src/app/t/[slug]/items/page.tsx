import type { Metadata } from "next";
import Link from "next/link";
import { RelativeTime } from "@/app/_components/relative-time";
import { DataTable, EmptyState, PageHeader, StatusBadge } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Items" };

export default async function ItemsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ q?: string }>;
}) {
  const { slug } = await params;
  const { q } = await searchParams;
  const { items, nextCursor } = await (await requireTenant(slug)).caller.item.list({ search: q || undefined });
  return (
    <>
      <PageHeader
        title="Items"
        description="The canonical stock of every item, as Stockhook pushes it to your channels."
      />
      <form className="mb-4 flex max-w-md gap-2" role="search">
        <label htmlFor="q" className="sr-only">
          Search by SKU or title
        </label>
        <input
          id="q"
          name="q"
          defaultValue={q}
          placeholder="Search by SKU or title"
          className="block w-full rounded-lg border border-slate-300 px-3 py-2 text-sm"
        />
        <button
          type="submit"
          className="rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50"
        >
          Search
        </button>
      </form>
      {items.length === 0 ? (
        <EmptyState title={q ? "No items match" : "No items yet"}>
          {q
            ? "Try another SKU or title."
            : "Items appear when a source connection syncs its catalogue or sends its first webhook."}
        </EmptyState>
      ) : (
        <DataTable
          columns={["SKU", "Title", { label: "Quantity", align: "right" }, "Status", "Updated"]}
          footer={
            nextCursor ? (
              <p className="border-t border-slate-100 px-4 py-3 text-xs text-slate-500">
                Showing the first {items.length}; search to narrow down.
              </p>
            ) : null
          }
        >
          {items.map((item) => (
            <tr key={item.id} data-sku={item.sku}>
              <td className="px-4 py-3 font-mono text-xs">
                <Link
                  className="text-brand-700 underline-offset-2 hover:underline"
                  href={`/t/${slug}/items/${item.id}`}
                >
                  {item.sku}
                </Link>
              </td>
              <td className="px-4 py-3">
                {item.title}
                {item.oneOfAKind ? <span className="ml-2 text-xs text-slate-500">one of a kind</span> : null}
              </td>
              <td className="px-4 py-3 text-right tabular-nums">{item.quantity}</td>
              <td className="px-4 py-3">
                <StatusBadge status={item.status} />
              </td>
              <td className="px-4 py-3 text-slate-500">
                <RelativeTime value={item.updatedAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
