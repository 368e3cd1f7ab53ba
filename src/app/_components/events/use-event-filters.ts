"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { enumValue } from "@/app/_components/enum-options";
import { SignatureVerdict, WebhookStatus } from "@/generated/prisma/enums";
import type { RouterInputs } from "@/trpc/types";

export interface EventFilterValues {
  connectionId: string;
  status: string;
  topic: string;
  verdict: string;
  from: string;
  to: string;
  search: string;
  /** A storefront id: only deliveries it has not received (the Overview's outage banner links here). */
  undeliveredTo: string;
}

const TYPING_PAUSE_MS = 400;

type TimelineFilter = NonNullable<RouterInputs["event"]["list"]["filter"]>;

/** The form's values from the URL, so a filtered timeline can be bookmarked and shared. */
function filtersFrom(params: URLSearchParams): EventFilterValues {
  return {
    connectionId: params.get("connection") ?? "",
    status: params.get("status") ?? "",
    topic: params.get("topic") ?? "",
    verdict: params.get("verdict") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
    search: params.get("q") ?? "",
    undeliveredTo: params.get("channel") ?? "",
  };
}

/** datetime-local values are the viewer's local time; the server wants instants. */
const instant = (local: string) => (local ? new Date(local) : undefined);

function timelineFilter(applied: EventFilterValues): TimelineFilter {
  const status = enumValue(WebhookStatus, applied.status);
  return {
    connectionId: applied.connectionId || undefined,
    status: status ? [status] : undefined,
    topic: applied.topic || undefined,
    verdict: enumValue(SignatureVerdict, applied.verdict),
    from: instant(applied.from),
    to: instant(applied.to),
    search: applied.search || undefined,
    undeliveredTo: applied.undeliveredTo || undefined,
  };
}

/**
 * The event timeline's filters, kept in the URL: what is applied (and the query filter it makes),
 * the form's values (applied as they change: at once for a choice, after a pause in typing for
 * text), and the open event (?event=).
 */
export function useEventFilters() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const applied = filtersFrom(params);
  const [draft, setDraft] = useState<EventFilterValues>(applied);
  const typing = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(typing.current), []);

  const setParams = (next: Record<string, string>) => {
    const query = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value) query.set(key, value);
      else query.delete(key);
    }
    router.replace(`${pathname}${query.size ? `?${query}` : ""}`, { scroll: false });
  };
  const apply = (filters: EventFilterValues) =>
    setParams({
      connection: filters.connectionId,
      status: filters.status,
      topic: filters.topic.trim(),
      verdict: filters.verdict,
      from: filters.from,
      to: filters.to,
      q: filters.search.trim(),
      channel: filters.undeliveredTo,
    });
  const clear = () => {
    const cleared = filtersFrom(new URLSearchParams());
    window.clearTimeout(typing.current);
    setDraft(cleared);
    apply(cleared);
  };
  /** A choice applies at once; typed text once the typing pauses (each keystroke would be a query). */
  const setValue = (key: keyof EventFilterValues, value: string, typed = false) => {
    const next = { ...draft, [key]: value };
    setDraft(next);
    window.clearTimeout(typing.current);
    if (typed) typing.current = window.setTimeout(() => apply(next), TYPING_PAUSE_MS);
    else apply(next);
  };

  return {
    applied,
    draft,
    setValue,
    applyDraft: () => {
      window.clearTimeout(typing.current);
      apply(draft);
    },
    clear,
    filter: timelineFilter(applied),
    filtered: Object.values(applied).some(Boolean),
    rangeError:
      applied.from && applied.to && new Date(applied.from) > new Date(applied.to)
        ? "The start of the time range must be before its end."
        : null,
    openEventId: params.get("event"),
    openEvent: (eventId: string) => setParams({ event: eventId }),
    closeEvent: () => setParams({ event: "" }),
  };
}

export type EventFilters = ReturnType<typeof useEventFilters>;
