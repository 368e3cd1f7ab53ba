import type { HourBucket } from "@/server/insights/tenant-insights";

/**
 * Webhooks per hour as stacked bars (accepted, rejected, failed). The numbers are also in a
 * visually hidden table, so the chart never relies on colour or sight alone.
 */
export function EventsChart({ hours }: { hours: HourBucket[] }) {
  const max = Math.max(1, ...hours.map((h) => h.accepted + h.rejected + h.failed));
  const label = (hour: Date) => `${String(hour.getUTCHours()).padStart(2, "0")}:00`;
  if (hours.every((h) => h.accepted + h.rejected + h.failed === 0)) {
    return (
      <p className="py-8 text-center text-sm text-slate-500">
        No webhooks in the last 24 hours. They appear here as your platforms send them.
      </p>
    );
  }
  return (
    <figure>
      <div className="flex h-40 items-end gap-[3px]" aria-hidden="true">
        {hours.map((hour) => {
          const total = hour.accepted + hour.rejected + hour.failed;
          return (
            <div
              key={hour.hour.toISOString()}
              className="flex h-full flex-1 flex-col justify-end"
              title={`${label(hour.hour)} UTC: ${hour.accepted} accepted, ${hour.rejected} rejected, ${hour.failed} failed`}
            >
              <div
                className="flex flex-col-reverse overflow-hidden rounded-t-sm"
                style={{ height: `${(total / max) * 100}%` }}
              >
                <div className="bg-brand-500" style={{ flexGrow: hour.accepted }} />
                <div className="bg-amber-400" style={{ flexGrow: hour.rejected }} />
                <div className="bg-rose-600" style={{ flexGrow: hour.failed }} />
              </div>
            </div>
          );
        })}
      </div>
      <div className="mt-1 flex justify-between text-xs text-slate-500" aria-hidden="true">
        <span>{hours[0] ? label(hours[0].hour) : ""} UTC</span>
        <span>now</span>
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
      </figcaption>
      <table className="sr-only">
        <caption>Webhooks per hour, last 24 hours (UTC)</caption>
        <thead>
          <tr>
            <th>Hour</th>
            <th>Accepted</th>
            <th>Rejected</th>
            <th>Failed</th>
          </tr>
        </thead>
        <tbody>
          {hours.map((h) => (
            <tr key={h.hour.toISOString()}>
              <td>{label(h.hour)}</td>
              <td>{h.accepted}</td>
              <td>{h.rejected}</td>
              <td>{h.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
