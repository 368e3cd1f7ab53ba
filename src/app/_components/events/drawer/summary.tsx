import { CopyButton } from "@/app/_components/copy-button";
import Link from "next/link";
import { formatDateTime, formatUntil } from "@/app/_components/format";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import { StatusBadge } from "@/app/_components/ui";
import { between } from "./duration";
import type { EventDetail, EventRun } from "./types";

/** Where the event stands, in one line at the top of the drawer. */
export function EventStatusLine({ event }: { event: EventDetail }) {
  return (
    <section className="flex flex-wrap items-center gap-2" data-testid="event-status">
      <StatusBadge status={event.status} />
      <span className="text-slate-700">{event.error ?? event.action ?? "Waiting to be processed"}</span>
    </section>
  );
}

/** What arrived and how it was answered: connection, ids, signature, item, and when each stage ran. */
export function EventFacts({ event, slug }: { event: EventDetail; slug: string }) {
  return (
    <>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2">
        <dt className="text-slate-500">Connection</dt>
        <dd>
          {event.connection.name} ({PROVIDER_LABELS[event.connection.provider]})
        </dd>
        <dt className="text-slate-500">Topic</dt>
        <dd className="font-mono text-xs">{event.topic ?? "—"}</dd>
        <dt className="text-slate-500">Event id</dt>
        <dd className="flex items-start gap-2 font-mono text-xs break-all">
          {event.id} <CopyButton value={event.id} label="event id" />
        </dd>
        <dt className="text-slate-500">Delivery id</dt>
        <dd className="flex items-start gap-2 font-mono text-xs break-all">
          {event.deliveryId ?? "—"}
          {event.deliveryId ? <CopyButton value={event.deliveryId} label="delivery id" /> : null}
        </dd>
        <dt className="text-slate-500">External ids</dt>
        <dd className="font-mono text-xs">{event.externalIds.join(", ") || "—"}</dd>
        <dt className="text-slate-500">Signature</dt>
        <dd className="flex flex-wrap items-center gap-2">
          <StatusBadge status={event.signatureVerdict} />
          {event.matchedSecret ? (
            <span>
              matched “{event.matchedSecret.label}” ending …{event.matchedSecret.last4} (key {event.matchedSecret.keyId}
              )
            </span>
          ) : null}
        </dd>
        <dt className="text-slate-500">Answered</dt>
        <dd>HTTP {event.responseStatus}</dd>
        <dt className="text-slate-500">Payload hash</dt>
        <dd className="font-mono text-xs break-all">sha256:{event.payloadHash}</dd>
        <dt className="text-slate-500">Attempts</dt>
        <dd>{event.attempts}</dd>
        {event.nextRetryAt ? (
          <>
            <dt className="text-slate-500">Next retry</dt>
            <dd data-testid="event-next-retry">
              {formatDateTime(event.nextRetryAt)} (
              <time dateTime={event.nextRetryAt.toISOString()} suppressHydrationWarning>
                {formatUntil(event.nextRetryAt)}
              </time>
              , a storefront push that failed)
            </dd>
          </>
        ) : null}
        {event.item ? (
          <>
            <dt className="text-slate-500">Item</dt>
            <dd>
              <Link className="text-brand-700 underline" href={`/t/${slug}/items/${event.item.id}`}>
                {event.item.sku}
              </Link>{" "}
              — {event.item.title}, now <StatusBadge status={event.item.status} /> ({event.item.quantity})
            </dd>
          </>
        ) : null}
      </dl>

      <section>
        <h3 className="mb-2 font-semibold text-slate-900">Timings</h3>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
          <dt className="text-slate-500">Received</dt>
          <dd>{formatDateTime(event.receivedAt)}</dd>
          <dt className="text-slate-500">Picked up</dt>
          <dd>{event.sentAt ? `+${between(event.receivedAt, event.sentAt)}` : "—"}</dd>
          <dt className="text-slate-500">Applied</dt>
          <dd>{event.appliedAt ? `+${between(event.receivedAt, event.appliedAt)}` : "—"}</dd>
          <dt className="text-slate-500">Completed</dt>
          <dd>{event.completedAt ? `+${between(event.receivedAt, event.completedAt)}` : "—"}</dd>
        </dl>
      </section>
    </>
  );
}

/** The Inngest run that processed the event, as the Inngest server reports it. */
export function EventPipelineRun({ run, isPending }: { run: EventRun | undefined; isPending: boolean }) {
  return (
    <section data-testid="event-run">
      <h3 className="mb-2 font-semibold text-slate-900">Pipeline run (Inngest)</h3>
      {isPending ? <p className="text-slate-500">Asking the Inngest server…</p> : null}
      {run?.found ? (
        <p className="flex flex-wrap items-center gap-2">
          <StatusBadge status={run.status.toUpperCase()} />
          <span className="font-mono text-xs">{run.runId}</span>
          {run.startedAt && run.endedAt ? (
            <span className="text-slate-500">took {between(new Date(run.startedAt), new Date(run.endedAt))}</span>
          ) : null}
        </p>
      ) : null}
      {run && !run.found ? (
        <p className="text-slate-500">
          {run.runId ? <span className="mr-2 font-mono text-xs">{run.runId}</span> : null}
          {run.reason}
        </p>
      ) : null}
      {run?.url ? (
        <a className="text-brand-700 underline" href={run.url} target="_blank" rel="noreferrer">
          Open the run in Inngest
        </a>
      ) : null}
    </section>
  );
}
