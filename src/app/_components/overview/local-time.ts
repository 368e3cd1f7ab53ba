import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False during the server render and hydration, true after: times shown or linked in the
 * viewer's own zone wait for it, so the server's zone never leaks into a hydrated page.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A `datetime-local` value (the Events page's From/To fields) in the viewer's zone. */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "14:05", or "Mon 14:00" when the chart spans days; local once hydrated, else UTC. */
export function timeLabel(date: Date, withDay: boolean, local: boolean): string {
  const hours = local ? date.getHours() : date.getUTCHours();
  const minutes = local ? date.getMinutes() : date.getUTCMinutes();
  const day = date.toLocaleDateString("en-GB", { weekday: "short", timeZone: local ? undefined : "UTC" });
  return `${withDay ? `${day} ` : ""}${pad(hours)}:${pad(minutes)}`;
}
