/** The Overview's time ranges: how far back, and how the chart buckets it. Browser-safe. */
export const ACTIVITY_RANGES = {
  "1h": { label: "1 h", long: "last hour", bucketMinutes: 5, buckets: 12 },
  "24h": { label: "24 h", long: "last 24 hours", bucketMinutes: 60, buckets: 24 },
  "7d": { label: "7 d", long: "last 7 days", bucketMinutes: 360, buckets: 28 },
} as const;

export type ActivityRange = keyof typeof ACTIVITY_RANGES;

export const ACTIVITY_RANGE_KEYS = Object.keys(ACTIVITY_RANGES) as ActivityRange[];

/** The range's first instant: the start of its oldest bucket. */
export function rangeStart(range: ActivityRange, now: Date): Date {
  const { bucketMinutes, buckets } = ACTIVITY_RANGES[range];
  const bucketMs = bucketMinutes * 60_000;
  return new Date(Math.floor(now.getTime() / bucketMs) * bucketMs - (buckets - 1) * bucketMs);
}
