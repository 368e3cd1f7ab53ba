import { formatExact, formatRelative } from "@/app/_components/format";

/**
 * "2 min ago", with the exact second on hover and for machines (`<time dateTime>`): how every
 * list page (events, items, sync runs, audit) writes when something happened.
 */
export function RelativeTime({ value, className }: { value: Date | string | null | undefined; className?: string }) {
  if (!value) return <span className={className}>never</span>;
  const instant = typeof value === "string" ? new Date(value) : value;
  return (
    // The server's "now" and the browser's differ by the render delay: the words may too.
    <time dateTime={instant.toISOString()} title={formatExact(instant)} className={className} suppressHydrationWarning>
      {formatRelative(instant)}
    </time>
  );
}
