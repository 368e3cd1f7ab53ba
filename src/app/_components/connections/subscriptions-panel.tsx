"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatRelative } from "@/app/_components/format";
import { secondaryButtonClass, StatusBadge } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";

/**
 * The webhook subscriptions Stockhook holds at the platform for this connection: topic, the
 * platform's id, state and when it was last checked. "Check now" runs the hourly check and repair
 * at once and follows it until the rows change.
 */
export function SubscriptionsPanel({ connectionId, canCheck }: { connectionId: string; canCheck: boolean }) {
  const trpc = useTRPC();
  const [checkingSince, setCheckingSince] = useState<number | null>(null);
  const query = useQuery({
    ...trpc.connection.subscriptions.queryOptions({ id: connectionId }),
    refetchInterval: (current) =>
      checkingSince !== null &&
      !current.state.data?.subscriptions.every(
        (row) => row.lastCheckedAt && new Date(row.lastCheckedAt).getTime() >= checkingSince,
      )
        ? 1_000
        : 30_000,
  });
  const check = useMutation(
    trpc.connection.checkSubscriptions.mutationOptions({
      onSuccess: (result) => setCheckingSince(new Date(result.requestedAt).getTime()),
    }),
  );
  const rows = query.data?.subscriptions ?? [];
  const checkedAfterRequest =
    checkingSince !== null &&
    rows.length > 0 &&
    rows.every((row) => row.lastCheckedAt && new Date(row.lastCheckedAt).getTime() >= checkingSince);
  // A check is under way until every row has been looked at since it was requested.
  const checking = checkingSince !== null && !checkedAfterRequest;
  if (query.data && !query.data.managed && rows.length === 0)
    return <p className="text-sm text-slate-600">Register the platform&apos;s webhook by hand with the steps above.</p>;
  return (
    <div className="space-y-3">
      {rows.length === 0 ? (
        <p className="text-sm text-slate-600">
          No subscriptions yet: Stockhook registers them within the hour, or now with “Check now”.
        </p>
      ) : null}
      {rows.length > 0 ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Platform webhook subscriptions">
            <thead className="text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="py-1 pr-3">Topic</th>
                <th className="py-1 pr-3">Platform id</th>
                <th className="py-1 pr-3">State</th>
                <th className="py-1">Last checked</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} className="border-t border-slate-100 align-top">
                  <td className="py-1 pr-3 font-mono text-xs">{row.topic}</td>
                  <td className="py-1 pr-3 font-mono text-xs break-all">{row.externalId || "—"}</td>
                  <td className="py-1 pr-3">
                    <StatusBadge
                      status={row.state === "ACTIVE" ? "Active" : "Failed"}
                      tone={row.state === "ACTIVE" ? "green" : "red"}
                    />
                    {row.lastError ? <p className="mt-1 text-xs text-rose-800">{row.lastError}</p> : null}
                    {row.expiresAt ? (
                      <p className="mt-1 text-xs text-slate-500">
                        renews before {new Date(row.expiresAt).toLocaleString()}
                      </p>
                    ) : null}
                  </td>
                  <td className="py-1">{formatRelative(row.lastCheckedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="flex items-center gap-3">
        <button
          type="button"
          className={secondaryButtonClass}
          disabled={!canCheck || check.isPending || checking}
          onClick={() => check.mutate({ id: connectionId })}
        >
          {checking ? "Checking…" : "Check now"}
        </button>
        <span role="status" aria-live="polite" className="text-sm text-rose-800">
          {check.error?.message}
        </span>
      </div>
    </div>
  );
}
