import { statusLabel } from "../format";

const TONES = {
  green: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  red: "bg-rose-50 text-rose-800 ring-rose-200",
  blue: "bg-sky-50 text-sky-800 ring-sky-200",
  gray: "bg-slate-100 text-slate-700 ring-slate-200",
} as const;

export type Tone = keyof typeof TONES;

const STATUS_TONES: Record<string, Tone> = {
  AVAILABLE: "green",
  ACTIVE: "green",
  APPLIED: "green",
  VALID: "green",
  SUCCEEDED: "green",
  COMPLETED: "green",
  SOLD: "blue",
  OUT_OF_STOCK: "amber",
  QUEUED: "amber",
  RECEIVED: "amber",
  PROCESSING: "amber",
  RUNNING: "amber",
  CANCELLED: "gray",
  PAUSED: "gray",
  PENDING: "gray",
  SKIPPED: "gray",
  DUPLICATE: "gray",
  STALE: "gray",
  ARCHIVED: "gray",
  FAILED: "red",
  REJECTED: "red",
  ERROR: "red",
  INVALID: "red",
  RATE_LIMITED: "amber",
  PARKED: "amber",
};

/** Status shown as text on a coloured chip, so meaning never rests on colour alone. */
export function StatusBadge({ status, tone }: { status: string; tone?: Tone }) {
  const label = statusLabel(status);
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone ?? STATUS_TONES[status] ?? "gray"]}`}
    >
      {label}
    </span>
  );
}
