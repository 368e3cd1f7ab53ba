"use client";

import { useState } from "react";
import { CopyButton } from "@/app/_components/copy-button";
import { secondaryButtonClass } from "@/app/_components/ui";
import { ReplayCurl } from "./replay-curl";
import type { EventDetail } from "./types";

/** The delivery as it arrived: every stored header (secrets masked by the server), then the body as sent. */
export function EventPayload({ event, canCopySigned }: { event: EventDetail; canCopySigned: boolean }) {
  return (
    <>
      <section>
        <h3 className="mb-2 font-semibold text-slate-900">Headers</h3>
        <p className="mb-2 text-xs text-slate-500">
          {event.request
            ? "Every header the platform sent, except those that describe one network hop or that proxies add. Signatures, tokens and other secrets are masked."
            : "Only the few headers Stockhook logged for this platform (the event was stored before every header was kept)."}
        </p>
        {Object.keys(event.headers).length ? (
          <dl
            className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 font-mono text-xs"
            data-testid="event-headers"
          >
            {Object.entries(event.headers).map(([name, value]) => (
              <div key={name} className="contents">
                <dt className="text-slate-500">{name}</dt>
                <dd className="break-all">{value}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="text-slate-500">None recorded.</p>
        )}
      </section>
      <EventBody event={event} />
      <ReplayCurl event={event} canCopySigned={canCopySigned} />
    </>
  );
}

function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

const preClass = "max-h-80 overflow-auto rounded-lg bg-slate-900 p-3 text-xs whitespace-pre-wrap text-slate-100";

/** The body as the platform sent it: formatted JSON or the exact text, with a copy of the exact text. */
function EventBody({ event }: { event: EventDetail }) {
  const [raw, setRaw] = useState(false);
  const request = event.request;
  if (!request) {
    return (
      <section>
        <div className="mb-2 flex items-center justify-between gap-2">
          <h3 className="font-semibold text-slate-900">Body as the platform sent it</h3>
          {event.body !== null ? <CopyButton value={JSON.stringify(event.body, null, 2)} label="payload" /> : null}
        </div>
        {event.body !== null ? (
          <>
            <p className="mb-2 text-xs text-slate-500">
              Stored before Stockhook kept the exact bytes: this is the body as Stockhook read it, so spacing and number
              formats may differ from what the platform sent.
            </p>
            <pre className={preClass} data-testid="event-body">
              {JSON.stringify(event.body, null, 2)}
            </pre>
          </>
        ) : (
          <p className="text-slate-500">
            Not stored: only deliveries that pass their signature check keep their payload.
          </p>
        )}
      </section>
    );
  }
  const pretty = request.body !== null ? prettyJson(request.body) : null;
  const showRaw = raw || pretty === null;
  return (
    <section>
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-semibold text-slate-900">Body as the platform sent it</h3>
        {request.body !== null ? (
          <div className="flex items-center gap-2">
            {pretty !== null ? (
              <button
                type="button"
                className={secondaryButtonClass}
                aria-pressed={raw}
                onClick={() => setRaw((value) => !value)}
              >
                {raw ? "Formatted" : "Raw"}
              </button>
            ) : null}
            <CopyButton value={request.body} label="body as sent" />
          </div>
        ) : null}
      </div>
      <p className="mb-2 text-xs text-slate-500">
        {request.bodyBytes.toLocaleString("en")} bytes
        {request.bodyMasked
          ? ". The shared secret inside it (clientState) is masked here; Copy as curl carries it."
          : showRaw
            ? ", exactly as received."
            : "; press Raw for the exact text."}
      </p>
      {request.body !== null ? (
        <pre className={preClass} data-testid="event-body" data-view={showRaw ? "raw" : "formatted"}>
          {showRaw ? request.body : pretty}
        </pre>
      ) : (
        <p className="text-slate-500">The body is not UTF-8 text; Copy as curl carries its exact bytes.</p>
      )}
    </section>
  );
}
