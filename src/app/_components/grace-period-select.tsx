import { inputClass } from "@/app/_components/ui";

const GRACE_HOURS = [
  { hours: 1, label: "1 hour" },
  { hours: 24, label: "24 hours" },
  { hours: 72, label: "3 days" },
  { hours: 168, label: "7 days" },
] as const;

/** How long the old secret keeps working after a rotation (0 = it stops at once). */
export function GracePeriodSelect({
  id,
  label,
  noneLabel,
  value,
  onChange,
}: {
  id: string;
  label: string;
  noneLabel: string;
  value: number;
  onChange: (hours: number) => void;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))} className={`mt-1 ${inputClass}`}>
        <option value={0}>{noneLabel}</option>
        {GRACE_HOURS.map((option) => (
          <option key={option.hours} value={option.hours}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}
