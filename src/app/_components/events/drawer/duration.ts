import { formatDuration } from "@/app/_components/format";

/** How long after `from` something happened, or a dash when either end is unknown. */
export const between = (from: Date | null, to: Date | null) =>
  from && to ? formatDuration(to.getTime() - from.getTime()) : "—";
