/** How the dashboard writes dates, durations and enum values; the same words on every page. */

export function formatDateTime(value: Date | null | undefined): string {
  if (!value) return "never";
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" }).format(value);
}

export function formatRelative(value: Date | null | undefined, now = Date.now()): string {
  if (!value) return "never";
  const seconds = Math.round((now - value.getTime()) / 1000);
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** "in 3 min" for a time still ahead; "due now" once it has passed. */
export function formatUntil(value: Date, now = Date.now()): string {
  const seconds = Math.round((value.getTime() - now) / 1000);
  if (seconds <= 0) return "due now";
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `in ${minutes} min` : `in ${Math.round(minutes / 60)} h`;
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** An enum value as words: OUT_OF_STOCK → "out of stock". */
export function statusWords(status: string): string {
  return status.replaceAll("_", " ").toLowerCase();
}

/** An enum value as a label: OUT_OF_STOCK → "Out of stock". */
export function statusLabel(status: string): string {
  const words = statusWords(status);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The exact instant, to the second, in the viewer's time zone: the hover text of a relative time. */
export function formatExact(value: Date): string {
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium" }).format(value);
}
