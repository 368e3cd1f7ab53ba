import { formatDateTime, statusWords } from "@/app/_components/format";
import { StatusBadge } from "@/app/_components/ui";
import { PushLines } from "../push-lines";
import { between } from "./duration";
import type { EventDetail } from "./types";

/** Each storefront the event's stock change was pushed to, and how far that push got. */
export function EventPushes({ event }: { event: EventDetail }) {
  return (
    <section>
      <h3 className="mb-2 font-semibold text-slate-900">Storefront updates</h3>
      {event.pushes.length ? (
        <div data-testid="event-pushes">
          <PushLines deliveries={event.pushes} maxAttempts={event.maxPushAttempts} />
          <p className="mt-1 text-xs text-slate-500">
            {event.pushes
              .filter((push) => push.pushedAt)
              .map(
                (push) =>
                  `${push.connection.name} qty ${push.quantity}, ${statusWords(push.status)}, +${between(event.receivedAt, push.pushedAt)}`,
              )
              .join(" · ")}
          </p>
        </div>
      ) : (
        <p className="text-slate-500">No storefront was updated by this event.</p>
      )}
    </section>
  );
}

/** The stock the event changed, item by item. */
export function EventChanges({ event }: { event: EventDetail }) {
  return (
    <section>
      <h3 className="mb-2 font-semibold text-slate-900">Stock change</h3>
      {event.changes.length ? (
        <ul className="space-y-1" data-testid="event-changes">
          {event.changes.map((change) => (
            <li key={change.id}>
              <span className="font-mono text-xs">{change.item.sku}</span>: {change.quantityBefore} →{" "}
              {change.quantityAfter}, {statusWords(change.statusBefore)} → {statusWords(change.statusAfter)}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-slate-500">No stock changed.</p>
      )}
    </section>
  );
}

/** Every processing and push attempt, replays included, oldest first. */
export function EventAttempts({ event }: { event: EventDetail }) {
  return (
    <section>
      <h3 className="mb-2 font-semibold text-slate-900">Attempts</h3>
      {event.history.length ? (
        <ol className="space-y-1 text-xs" data-testid="event-attempts">
          {event.history.map((attempt) => {
            const channel = event.pushes.find((push) => push.id === attempt.channelPushId)?.connection.name;
            return (
              <li
                key={attempt.id}
                data-testid="attempt"
                data-outcome={attempt.outcome}
                className="flex flex-wrap gap-x-2"
              >
                <span className="text-slate-500">{formatDateTime(attempt.startedAt)}</span>
                <span className="font-medium">
                  {attempt.kind === "PUSH" ? `Push to ${channel ?? "storefront"}` : "Processing"} #{attempt.number}
                  {attempt.replay ? " (replay)" : ""}
                </span>
                <StatusBadge status={attempt.outcome} />
                {attempt.detail ? <span className="text-slate-600">{attempt.detail}</span> : null}
                {attempt.error ? <span className="w-full text-rose-800">{attempt.error}</span> : null}
                {attempt.inngestRunId ? (
                  <span className="w-full font-mono text-[11px] text-slate-400">run {attempt.inngestRunId}</span>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="text-slate-500">No attempt recorded yet.</p>
      )}
    </section>
  );
}
