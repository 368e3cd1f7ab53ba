import { inputClass } from "@/app/_components/ui";

export interface FilterOption {
  value: string;
  label: string;
}

/** A labelled select whose empty choice ("Any status", "All connections") means "don't filter". */
export function FilterSelect({
  label,
  anyLabel,
  options,
  value,
  onChange,
}: {
  label: string;
  anyLabel: string;
  options: readonly FilterOption[];
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label className="text-sm font-medium text-slate-700">
      {label}
      <select className={`mt-1 ${inputClass}`} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{anyLabel}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The connection filter both the event timeline and the sync-run history show. */
export function ConnectionFilter({
  connections,
  value,
  onChange,
}: {
  connections: readonly { id: string; name: string }[];
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <FilterSelect
      label="Connection"
      anyLabel="All connections"
      options={connections.map((c) => ({ value: c.id, label: c.name }))}
      value={value}
      onChange={onChange}
    />
  );
}
