import { secondaryButtonClass } from "./classes";

/** A table footer that loads the next page of an infinite query, or nothing when there is none. */
export function LoadMoreFooter({
  query,
  label,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  label: string;
}) {
  if (!query.hasNextPage) return null;
  return (
    <div className="border-t border-slate-200 p-3 text-center">
      <button
        type="button"
        className={secondaryButtonClass}
        onClick={() => void query.fetchNextPage()}
        disabled={query.isFetchingNextPage}
      >
        {query.isFetchingNextPage ? "Loading…" : label}
      </button>
    </div>
  );
}
