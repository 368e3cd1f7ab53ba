"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { FormError } from "@/app/_components/field";
import { formatDateTime, formatDuration } from "@/app/_components/format";
import { DataTable, EmptyState, StatusBadge } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import { DeliveryDetails } from "./delivery-details";

/** A pending delivery that has failed before is being retried; otherwise it is waiting for its first (or resent) attempt. */
function stateLabel(delivery: { state: "PENDING" | "SUCCEEDED" | "FAILED"; error: string | null }) {
  if (delivery.state === "SUCCEEDED") return "Delivered";
  if (delivery.state === "FAILED") return "Failed";
  return delivery.error ? "Retrying" : "Queued";
}

/** The endpoint's latest deliveries, refreshed every 3 s, each with its last answer and a resend. */
export function DeliveryLog({ endpointId, canManage }: { endpointId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deliveries = useQuery({
    ...trpc.webhookEndpoint.deliveries.queryOptions({ endpointId }),
    refetchInterval: 3_000,
  });
  const [openId, setOpenId] = useState<string | null>(null);
  const resend = useMutation(
    trpc.webhookEndpoint.resend.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.webhookEndpoint.deliveries.queryKey({ endpointId }) }),
    }),
  );

  if (deliveries.isPending) return <p className="text-sm text-slate-600">Loading deliveries…</p>;
  if (deliveries.isError) return <FormError message={`Could not load deliveries: ${deliveries.error.message}`} />;
  if (deliveries.data.length === 0)
    return <EmptyState title="No deliveries yet">Press Send test event, or wait for the next stock change.</EmptyState>;
  return (
    <div className="space-y-3">
      <FormError message={resend.error?.message} />
      <DataTable columns={["When", "Event", "Status", { label: "Attempts", align: "right" }, "Response", "Answer", ""]}>
        {deliveries.data.map((delivery) => (
          <Fragment key={delivery.id}>
            <tr data-testid="delivery-row">
              <td className="px-4 py-3 whitespace-nowrap">
                {formatDateTime(delivery.lastAttemptAt ?? delivery.createdAt)}
              </td>
              <td className="px-4 py-3">
                <code className="font-mono text-xs text-slate-900">{delivery.event.type}</code>
                <span
                  className="block max-w-[12rem] truncate font-mono text-[11px] text-slate-500"
                  title={delivery.event.id}
                >
                  {delivery.event.id}
                </span>
              </td>
              <td className="px-4 py-3">
                <StatusBadge
                  status={stateLabel(delivery)}
                  tone={delivery.state === "SUCCEEDED" ? "green" : delivery.state === "FAILED" ? "red" : "amber"}
                />
              </td>
              <td className="px-4 py-3 text-right tabular-nums">{delivery.attempts}</td>
              <td className="px-4 py-3 whitespace-nowrap">
                <span className="font-mono text-xs">{delivery.responseStatus ?? "—"}</span>
                <span className="block text-xs text-slate-500 tabular-nums">{formatDuration(delivery.latencyMs)}</span>
              </td>
              <td className="max-w-[14rem] px-4 py-3 text-xs break-words text-slate-600">
                {delivery.error && delivery.responseStatus === null ? (
                  <span className="text-rose-800">{delivery.error}</span>
                ) : null}
                {delivery.responseBody ? (
                  <details>
                    <summary className="cursor-pointer">
                      Their answer ({delivery.responseBody.length} characters)
                    </summary>
                    <pre className="mt-1 max-h-48 overflow-auto rounded bg-slate-50 p-2 break-all whitespace-pre-wrap">
                      {delivery.responseBody}
                    </pre>
                  </details>
                ) : null}
              </td>
              <td className="px-4 py-3 text-right whitespace-nowrap">
                <button
                  type="button"
                  aria-expanded={openId === delivery.id}
                  className="mr-3 text-sm font-medium text-slate-600 hover:text-slate-900"
                  onClick={() => setOpenId(openId === delivery.id ? null : delivery.id)}
                >
                  {openId === delivery.id ? "Hide" : "Details"}
                  <span className="sr-only">
                    {" "}
                    of {delivery.event.type} {delivery.event.id}
                  </span>
                </button>
                {canManage && delivery.state !== "PENDING" ? (
                  <button
                    type="button"
                    className="hover:text-brand-900 text-sm font-medium text-brand-700 disabled:opacity-50"
                    disabled={resend.isPending}
                    onClick={() => resend.mutate({ deliveryId: delivery.id })}
                  >
                    Resend
                    <span className="sr-only">
                      {" "}
                      {delivery.event.type} {delivery.event.id}
                    </span>
                  </button>
                ) : null}
              </td>
            </tr>
            {openId === delivery.id ? (
              <tr>
                <td colSpan={7} className="bg-slate-50/60 px-4 py-3">
                  <DeliveryDetails deliveryId={delivery.id} />
                </td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </DataTable>
    </div>
  );
}
