import type { EventDetail } from "./types";

/** The delivery as it arrived: its headers, and its body when the signature check let it be kept. */
export function EventPayload({ event }: { event: EventDetail }) {
  return (
    <>
      <section>
        <h3 className="mb-2 font-semibold text-slate-900">Headers</h3>
        {Object.keys(event.headers).length ? (
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 font-mono text-xs">
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

      <section>
        <h3 className="mb-2 font-semibold text-slate-900">Payload</h3>
        {event.payload !== null ? (
          <pre className="max-h-80 overflow-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100">
            {JSON.stringify(event.payload, null, 2)}
          </pre>
        ) : (
          <p className="text-slate-500">
            Not stored: only deliveries that pass their signature check keep their payload.
          </p>
        )}
      </section>
    </>
  );
}
