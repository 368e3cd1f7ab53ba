"use client";

import { enumOptions } from "@/app/_components/enum-options";
import { ConnectionFilter, FilterSelect } from "@/app/_components/filters/filter-select";
import { inputClass, secondaryButtonClass } from "@/app/_components/ui";
import { SignatureVerdict, WebhookStatus } from "@/generated/prisma/enums";
import type { EventFilters as Filters, EventFilterValues } from "./use-event-filters";

// RECEIVED lasts the instant between storing a delivery and queueing it: nothing to filter for.
const STATUS_OPTIONS = enumOptions(WebhookStatus, undefined, ["RECEIVED"]);
const VERDICT_OPTIONS = enumOptions(SignatureVerdict);

/** The timeline's filter form; `liveStatus` says whether the list is refreshing. */
export function EventFilters({
  filters,
  connections,
  liveStatus,
}: {
  filters: Filters;
  connections: readonly { id: string; name: string }[];
  liveStatus: string;
}) {
  const { draft, setValue } = filters;
  const select = (key: keyof EventFilterValues) => ({
    value: draft[key],
    onChange: (value: string) => setValue(key, value),
  });
  const input = (key: keyof EventFilterValues, typed = true) => ({
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setValue(key, e.target.value, typed),
  });
  return (
    <form
      role="search"
      aria-label="Filter events"
      className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-4"
      onSubmit={(e) => {
        e.preventDefault();
        filters.applyDraft();
      }}
    >
      <label className="text-sm font-medium text-slate-700 sm:col-span-2">
        Search
        <input
          className={`mt-1 ${inputClass}`}
          placeholder="SKU, id, or a payload path: data.sku = ART-0007"
          aria-describedby="event-search-help"
          {...input("search")}
        />
      </label>
      <p id="event-search-help" className="self-end text-xs text-slate-500 sm:col-span-2">
        Any part of a SKU, external id, delivery id or event id, in any case; or <code>path = value</code> to find
        events whose payload holds that value (<code>data.sku = ART-0007</code>, <code>lines[].sku = ART-0007</code>).
      </p>
      <ConnectionFilter connections={connections} {...select("connectionId")} />
      <FilterSelect label="Status" anyLabel="Any status" options={STATUS_OPTIONS} {...select("status")} />
      <label className="text-sm font-medium text-slate-700">
        Topic
        <input className={`mt-1 ${inputClass}`} placeholder="e.g. products/update" {...input("topic")} />
      </label>
      <FilterSelect label="Signature" anyLabel="Any verdict" options={VERDICT_OPTIONS} {...select("verdict")} />
      <label className="text-sm font-medium text-slate-700">
        From
        <input type="datetime-local" className={`mt-1 ${inputClass}`} {...input("from", false)} />
      </label>
      <label className="text-sm font-medium text-slate-700">
        To
        <input type="datetime-local" className={`mt-1 ${inputClass}`} {...input("to", false)} />
      </label>
      <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-4">
        {filters.filtered ? (
          <button type="button" className={secondaryButtonClass} onClick={filters.clear}>
            Clear
          </button>
        ) : null}
        <p className="ml-auto self-center text-xs text-slate-500" aria-live="polite">
          {liveStatus}
        </p>
      </div>
    </form>
  );
}
