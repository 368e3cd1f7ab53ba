"use client";

import { useQuery } from "@tanstack/react-query";
import { FormError } from "@/app/_components/field";
import { formatDateTime, formatDuration } from "@/app/_components/format";
import { useTRPC } from "@/trpc/react";

/** Every attempt of one delivery and the exact payload that was signed. */
export function DeliveryDetails({ deliveryId }: { deliveryId: string }) {
  const trpc = useTRPC();
  const details = useQuery({
    ...trpc.webhookEndpoint.delivery.queryOptions({ id: deliveryId }),
    refetchInterval: 3_000,
  });
  if (details.isPending) return <p className="text-sm text-slate-600">Loading…</p>;
  if (details.isError) return <FormError message={`Could not load the delivery: ${details.error.message}`} />;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <div>
        <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Attempts</h4>
        {details.data.attemptLog.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600">None yet.</p>
        ) : (
          <ol className="mt-1 space-y-1 text-xs text-slate-700" data-testid="attempt-list">
            {details.data.attemptLog.map((attempt) => (
              <li key={attempt.id}>
                <span className="font-medium">#{attempt.attempt}</span> {formatDateTime(attempt.createdAt)} ·{" "}
                {attempt.responseStatus ?? "no answer"} · {formatDuration(attempt.latencyMs)}
                {attempt.error ? <span className="text-rose-800"> · {attempt.error}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </div>
      <div>
        <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Payload</h4>
        <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2 text-xs break-all whitespace-pre-wrap text-slate-800">
          {JSON.stringify(details.data.event.payload, null, 2)}
        </pre>
      </div>
    </div>
  );
}
