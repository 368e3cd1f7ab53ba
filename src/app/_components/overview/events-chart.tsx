"use client";

import Link from "next/link";
import { useState } from "react";
import type { ActivityBucket } from "@/server/insights/tenant-insights";
import { ACTIVITY_RANGES, type ActivityRange } from "@/shared/activity-ranges";
import { timeLabel, toLocalInput, useHydrated } from "./local-time";

/** A y-axis top that reads well: 1, 2, 5 or 10 times a power of ten, at least the tallest bar. */
function niceMax(value: number): number {
  if (value <= 4) return Math.max(1, value);
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value) ?? 10;
  return step * power;
}

const total = (bucket: ActivityBucket) => bucket.accepted + bucket.rejected + bucket.failed;

/**
 * Webhooks per bucket as stacked bars (accepted, rejected, failed) with a y-axis, time labels
 * and a tooltip on hover or focus. Each bar is a link to the Events page filtered to its time
 * span. The numbers are also in a visually hidden table, so the chart never relies on colour or
 * sight alone.
 */
export function EventsChart({
  slug,
  range,
  buckets,
}: {
  slug: string;
  range: ActivityRange;
  buckets: ActivityBucket[];
}) {
  const local = useHydrated();
  const [active, setActive] = useState<number | null>(null);
  const { bucketMinutes, long } = ACTIVITY_RANGES[range];
  const bucketMs = bucketMinutes * 60_000;
  const withDay = range === "7d";
  const top = niceMax(Math.max(0, ...buckets.map(total)));
  const label = (bucket: ActivityBucket) => timeLabel(bucket.start, withDay, local);
  const span = (bucket: ActivityBucket) =>
    `${label(bucket)}–${timeLabel(new Date(bucket.start.getTime() + bucketMs), withDay, local)}${local ? "" : " UTC"}`;
  // The Events page's From/To are in the viewer's zone: the links are exact once it is known.
  const eventsHref = (bucket: ActivityBucket) =>
    local
      ? `/t/${slug}/events?${new URLSearchParams({
          from: toLocalInput(bucket.start),
          to: toLocalInput(new Date(bucket.start.getTime() + bucketMs)),
        }).toString()}`
      : `/t/${slug}/events`;
  const tickEvery = Math.ceil(buckets.length / 6);

  if (buckets.every((bucket) => total(bucket) === 0)) {
    return (
      <p className="py-8 text-center text-sm text-slate-500">
        No webhooks in the {long}. They appear here as your platforms send them.
      </p>
    );
  }
  const shown = active === null ? null : buckets[active];
  return (
    <figure>
      <div className="flex gap-2">
        <div
          className="flex h-40 w-8 shrink-0 flex-col justify-between text-right text-xs text-slate-500 tabular-nums"
          aria-hidden="true"
        >
          <span className="-translate-y-1/2">{top}</span>
          <span>{top / 2 === Math.round(top / 2) ? top / 2 : ""}</span>
          <span className="translate-y-1/2">0</span>
        </div>
        <div className="relative h-40 min-w-0 flex-1 border-b border-l border-slate-300">
          <div className="absolute inset-x-0 top-0 border-t border-dashed border-slate-200" aria-hidden="true" />
          <div className="absolute inset-x-0 top-1/2 border-t border-dashed border-slate-200" aria-hidden="true" />
          <ul className="absolute inset-0 flex items-end gap-[2px] px-[2px]" onMouseLeave={() => setActive(null)}>
            {buckets.map((bucket, index) => {
              const count = total(bucket);
              return (
                <li key={bucket.start.toISOString()} className="flex h-full flex-1">
                  <Link
                    href={eventsHref(bucket)}
                    data-testid="chart-bar"
                    aria-label={`${span(bucket)}: ${bucket.accepted} accepted, ${bucket.rejected} rejected, ${bucket.failed} failed. Open these events`}
                    onMouseEnter={() => setActive(index)}
                    onFocus={() => setActive(index)}
                    onBlur={() => setActive(null)}
                    className="flex h-full w-full flex-col justify-end rounded-t-sm hover:bg-slate-100 focus-visible:bg-slate-100"
                  >
                    <span
                      className="flex flex-col-reverse overflow-hidden rounded-t-sm"
                      style={{ height: `${(count / top) * 100}%`, minHeight: count ? 2 : 0 }}
                    >
                      <span className="bg-brand-500" style={{ flexGrow: bucket.accepted }} />
                      <span className="bg-amber-400" style={{ flexGrow: bucket.rejected }} />
                      <span className="bg-rose-600" style={{ flexGrow: bucket.failed }} />
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
          {shown && active !== null ? (
            <div
              aria-hidden="true"
              data-testid="chart-tooltip"
              className="pointer-events-none absolute bottom-full z-10 mb-2 w-max max-w-56 -translate-x-1/2 rounded-lg bg-slate-900 px-3 py-2 text-xs text-white shadow-lg"
              style={{ left: `${Math.min(85, Math.max(15, ((active + 0.5) / buckets.length) * 100))}%` }}
            >
              <p className="font-medium">{span(shown)}</p>
              <p>{shown.accepted} accepted</p>
              <p>{shown.rejected} rejected</p>
              <p>{shown.failed} failed</p>
            </div>
          ) : null}
        </div>
      </div>
      <div className="relative mt-1 ml-10 h-4 text-xs text-slate-500" aria-hidden="true">
        {buckets.map((bucket, index) =>
          index % tickEvery === 0 ? (
            <span
              key={bucket.start.toISOString()}
              className="absolute -translate-x-1/2 whitespace-nowrap"
              style={{ left: `${((index + 0.5) / buckets.length) * 100}%` }}
            >
              {label(bucket)}
            </span>
          ) : null,
        )}
      </div>
      <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-slate-600">
        <span>
          <span className="mr-1 inline-block size-2.5 rounded-sm bg-brand-500" />
          Accepted
        </span>
        <span>
          <span className="mr-1 inline-block size-2.5 rounded-sm bg-amber-400" />
          Rejected (bad signature, limits)
        </span>
        <span>
          <span className="mr-1 inline-block size-2.5 rounded-sm bg-rose-600" />
          Failed after retries
        </span>
        <span>Times {local ? "in your time zone" : "UTC"}; a bar opens its events.</span>
      </figcaption>
      {/* A table ignores a 1 px height, so the wrapper (not the table) is the visually hidden box. */}
      <div className="sr-only">
        <table>
          <caption>Webhooks, {long}</caption>
          <thead>
            <tr>
              <th>From</th>
              <th>Accepted</th>
              <th>Rejected</th>
              <th>Failed</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((bucket) => (
              <tr key={bucket.start.toISOString()}>
                <td>{span(bucket)}</td>
                <td>{bucket.accepted}</td>
                <td>{bucket.rejected}</td>
                <td>{bucket.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
