"use client";

import { useState } from "react";
import { CopyButton } from "@/app/_components/copy-button";
import { inputClass } from "@/app/_components/ui";
import type { EventDetail } from "./types";

// Header names whose values authenticate a request: shown masked, never in full.
const SECRET_HEADER = /authorization|signature|hmac|token|secret|cookie|api-key/i;

export function maskHeader(name: string, value: string): string {
  return SECRET_HEADER.test(name) ? `${value.slice(0, 4)}…(masked)` : value;
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The delivery as a curl command against `url`: the stored headers as they were, the body as sent. */
export function curlCommand(url: string, headers: Record<string, string>, body: string): string {
  return [
    `curl -X POST ${shellQuote(url)}`,
    ...Object.entries(headers).map(([name, value]) => `  -H ${shellQuote(`${name}: ${value}`)}`),
    `  --data-raw ${shellQuote(body)}`,
  ].join(" \\\n");
}

/** The delivery as it arrived: its headers, and its body when the signature check let it be kept. */
export function EventPayload({ event }: { event: EventDetail }) {
  const [target, setTarget] = useState("");
  const body = event.body !== null ? JSON.stringify(event.body) : null;
  return (
    <>
      <section>
        <h3 className="mb-2 font-semibold text-slate-900">Headers</h3>
        {Object.keys(event.headers).length ? (
          <dl
            className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 font-mono text-xs"
            data-testid="event-headers"
          >
            {Object.entries(event.headers).map(([name, value]) => (
              <div key={name} className="contents">
                <dt className="text-slate-500">{name}</dt>
                <dd className="break-all">{maskHeader(name, value)}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="text-slate-500">None recorded.</p>
        )}
      </section>

      <section>
        <div className="mb-2 flex items-center justify-between gap-2">
          <h3 className="font-semibold text-slate-900">Body as the platform sent it</h3>
          {body !== null ? <CopyButton value={JSON.stringify(event.body, null, 2)} label="payload" /> : null}
        </div>
        {body !== null ? (
          <pre
            className="max-h-80 overflow-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100"
            data-testid="event-body"
          >
            {JSON.stringify(event.body, null, 2)}
          </pre>
        ) : (
          <p className="text-slate-500">
            Not stored: only deliveries that pass their signature check keep their payload.
          </p>
        )}
      </section>

      {body !== null ? (
        <section>
          <h3 className="mb-2 font-semibold text-slate-900">Send it again elsewhere</h3>
          <label className="block text-sm font-medium text-slate-700">
            Target URL
            <input
              type="url"
              className={`mt-1 ${inputClass}`}
              placeholder="http://localhost:3000/webhooks/test"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
            />
          </label>
          <div className="mt-2 flex items-center gap-2">
            <CopyButton value={curlCommand(target || "URL", event.headers, body)} label="as curl" />
            <span className="text-xs text-slate-500">
              Copies a curl command that posts this body with the stored headers. The platform&apos;s signature header
              is not kept, so a receiver that checks signatures refuses the copy.
            </span>
          </div>
        </section>
      ) : null}
    </>
  );
}
