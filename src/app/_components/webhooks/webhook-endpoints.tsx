"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { CopyField } from "@/app/_components/copy-button";
import { FormError } from "@/app/_components/field";
import { formatDateTime, formatRelative } from "@/app/_components/format";
import { GracePeriodSelect } from "@/app/_components/grace-period-select";
import {
  Card,
  ConfirmButton,
  DataTable,
  EmptyState,
  buttonClass,
  dangerButtonClass,
  secondaryButtonClass,
  StatusBadge,
} from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/types";
import { DeliveryLog } from "./delivery-log";
import { EndpointForm, type EventTypeOption } from "./endpoint-form";

interface RevealedSecret {
  plaintext: string;
  note: string;
}

/** Endpoints list, the selected endpoint's controls and its delivery log. */
export function WebhookEndpoints({
  canManage,
  eventTypes,
  testInbox,
}: {
  canManage: boolean;
  eventTypes: EventTypeOption[];
  /** Development only: the built-in test inbox (its endpoint URL and page). */
  testInbox?: { url: string; pagePath: string } | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const endpoints = useQuery({ ...trpc.webhookEndpoint.list.queryOptions(), refetchInterval: 5_000 });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [revealed, setRevealed] = useState<RevealedSecret | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhookEndpoint.list.queryKey() });
  const create = useMutation(
    trpc.webhookEndpoint.create.mutationOptions({
      onSuccess: (created) => {
        setCreating(false);
        setSelectedId(created.endpoint.id);
        setRevealed({
          plaintext: created.plaintext,
          note: "Copy it now and give it to your receiver to verify signatures: it will not be shown again.",
        });
        void refresh();
      },
    }),
  );

  if (endpoints.isPending) return <p className="text-sm text-slate-600">Loading endpoints…</p>;
  if (endpoints.isError) return <FormError message={`Could not load endpoints: ${endpoints.error.message}`} />;
  const list = endpoints.data;
  const selected = list.find((endpoint) => endpoint.id === selectedId) ?? list[0];

  return (
    <div className="space-y-6">
      <Card title="Endpoints">
        {list.length === 0 ? (
          <EmptyState title="No endpoints yet">
            Add the URL of a tool that should hear about sales, stock changes and sync problems.
          </EmptyState>
        ) : (
          <DataTable columns={["Endpoint", "Events", "State", "Deliveries, 24 h", ""]}>
            {list.map((endpoint) => (
              <tr
                key={endpoint.id}
                data-testid="endpoint-row"
                className={endpoint.id === selected?.id ? "bg-brand-50/40" : undefined}
              >
                <td className="px-4 py-3">
                  <span className="block font-mono text-xs break-all text-slate-900">{endpoint.url}</span>
                  {endpoint.description ? <span className="text-xs text-slate-500">{endpoint.description}</span> : null}
                </td>
                <td className="px-4 py-3 text-xs text-slate-600">{endpoint.eventTypes.join(", ")}</td>
                <td className="px-4 py-3">
                  <StatusBadge
                    status={endpoint.enabled ? "Enabled" : "Disabled"}
                    tone={endpoint.enabled ? (endpoint.failingSince ? "amber" : "green") : "gray"}
                  />
                  {endpoint.enabled && endpoint.failingSince ? (
                    <span className="mt-1 block text-xs text-amber-800">
                      failing since {formatRelative(endpoint.failingSince)}
                    </span>
                  ) : null}
                </td>
                <td className="px-4 py-3 text-xs text-slate-600">
                  {endpoint.deliveries24h.succeeded} delivered · {endpoint.deliveries24h.failed} failed ·{" "}
                  {endpoint.deliveries24h.pending} pending
                </td>
                <td className="px-4 py-3 text-right">
                  <button
                    type="button"
                    className="hover:text-brand-900 text-sm font-medium text-brand-700"
                    onClick={() => {
                      setSelectedId(endpoint.id);
                      setCreating(false);
                      setRevealed(null);
                    }}
                  >
                    Manage<span className="sr-only"> {endpoint.url}</span>
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
        {canManage && !creating ? (
          <button
            type="button"
            className={`${buttonClass} mt-4`}
            onClick={() => {
              setCreating(true);
              setRevealed(null);
              create.reset();
            }}
          >
            Add endpoint
          </button>
        ) : null}
      </Card>

      {revealed ? (
        <div className="space-y-2" data-testid="endpoint-secret">
          <CopyField label="Signing secret" value={revealed.plaintext} />
          <p role="note" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
            {revealed.note}
          </p>
        </div>
      ) : null}

      {testInbox ? (
        <section
          aria-label="Test inbox"
          className="space-y-2 rounded-xl bg-sky-50 px-4 py-3 text-sm text-sky-900 ring-1 ring-sky-200"
        >
          <p>
            Development: no receiver of your own yet? Add an endpoint with the test inbox&apos;s URL, send a test event,
            and{" "}
            <Link href={testInbox.pagePath} className="font-medium underline">
              open the test inbox
            </Link>{" "}
            to see exactly what was sent.
          </p>
          <CopyField label="Test inbox URL" value={testInbox.url} />
        </section>
      ) : null}

      {creating ? (
        <Card title="New endpoint">
          <EndpointForm
            eventTypes={eventTypes}
            disabled={!canManage}
            pending={create.isPending}
            error={create.error && !Object.keys(endpointFieldErrors(create.error)).length ? create.error.message : null}
            fieldErrors={endpointFieldErrors(create.error)}
            submitLabel="Create endpoint"
            onSubmit={(values) => create.mutate(values)}
          />
        </Card>
      ) : selected ? (
        <EndpointDetail
          key={selected.id}
          endpoint={selected}
          canManage={canManage}
          eventTypes={eventTypes}
          onSecret={setRevealed}
          onDeleted={() => {
            setSelectedId(null);
            setRevealed(null);
          }}
        />
      ) : null}
    </div>
  );
}

type Endpoint = RouterOutputs["webhookEndpoint"]["list"][number];

function EndpointDetail({
  endpoint,
  canManage,
  eventTypes,
  onSecret,
  onDeleted,
}: {
  endpoint: Endpoint;
  canManage: boolean;
  eventTypes: EventTypeOption[];
  onSecret: (secret: RevealedSecret) => void;
  onDeleted: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [graceHours, setGraceHours] = useState(24);
  const [now] = useState(() => Date.now());
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.webhookEndpoint.list.queryKey() }),
      queryClient.invalidateQueries({
        queryKey: trpc.webhookEndpoint.deliveries.queryKey({ endpointId: endpoint.id }),
      }),
    ]);
  const update = useMutation(
    trpc.webhookEndpoint.update.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        void refresh();
      },
    }),
  );
  const sendTest = useMutation(trpc.webhookEndpoint.sendTest.mutationOptions({ onSuccess: () => void refresh() }));
  const rotate = useMutation(
    trpc.webhookEndpoint.rotateSecret.mutationOptions({
      onSuccess: (rotated) => {
        onSecret({
          plaintext: rotated.plaintext,
          note: `Copy it now: it will not be shown again. Until ${formatDateTime(rotated.previousValidUntil)} every delivery is signed with both the old and the new secret, so your receiver can switch at any time in between.`,
        });
        void refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.webhookEndpoint.remove.mutationOptions({
      onSuccess: () => {
        onDeleted();
        void refresh();
      },
    }),
  );
  const error = [update, sendTest, rotate, remove].find((m) => m.error)?.error;

  return (
    <>
      <Card title="Endpoint">
        <div className="space-y-4">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0">
              <p className="font-mono text-sm break-all text-slate-900" data-testid="selected-endpoint-url">
                {endpoint.url}
              </p>
              <p className="text-sm text-slate-600">
                {endpoint.description || "No description"} · {endpoint.eventTypes.join(", ")}
              </p>
            </div>
            <StatusBadge
              status={endpoint.enabled ? "Enabled" : "Disabled"}
              tone={endpoint.enabled ? "green" : "gray"}
            />
          </div>
          {!endpoint.enabled && endpoint.disabledReason ? (
            <p role="alert" className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-900 ring-1 ring-rose-200">
              Stockhook switched this endpoint off: {endpoint.disabledReason}. Fix the receiver, then enable it again.
            </p>
          ) : null}
          <FormError message={error && !error.data?.zodError ? error.message : null} />
          {canManage ? (
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                className={buttonClass}
                disabled={sendTest.isPending}
                onClick={() => sendTest.mutate({ id: endpoint.id })}
              >
                {sendTest.isPending ? "Sending…" : "Send test event"}
              </button>
              <button
                type="button"
                className={secondaryButtonClass}
                disabled={update.isPending}
                onClick={() => update.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}
              >
                {endpoint.enabled ? "Disable" : "Enable"}
              </button>
              <button type="button" className={secondaryButtonClass} onClick={() => setEditing((value) => !value)}>
                {editing ? "Cancel editing" : "Edit"}
              </button>
              <ConfirmButton
                className={dangerButtonClass}
                disabled={remove.isPending}
                title="Delete this endpoint?"
                consequences={
                  <p>
                    <span className="font-mono break-all">{endpoint.url}</span> stops receiving events, and its delivery
                    log and signing secret are deleted with it. This cannot be undone.
                  </p>
                }
                confirmLabel="Delete endpoint"
                onConfirm={() => remove.mutate({ id: endpoint.id })}
              >
                Delete
              </ConfirmButton>
            </div>
          ) : null}
          {sendTest.isSuccess ? (
            <p role="status" className="text-sm text-emerald-700">
              Test event queued: it appears in the delivery log below.
            </p>
          ) : null}
          {editing ? (
            <EndpointForm
              initial={endpoint}
              eventTypes={eventTypes}
              disabled={!canManage}
              pending={update.isPending}
              error={null}
              fieldErrors={endpointFieldErrors(update.error)}
              submitLabel="Save changes"
              onSubmit={(values) => update.mutate({ id: endpoint.id, ...values })}
            />
          ) : null}
          <div>
            <h3 className="text-sm font-semibold text-slate-900">Signing secrets</h3>
            <ul className="mt-2 space-y-1 text-sm text-slate-700">
              {endpoint.secrets.map((secret) => {
                const expired = secret.expiresAt && secret.expiresAt.getTime() <= now;
                return (
                  <li key={secret.id} className="flex flex-wrap items-center gap-2">
                    <span className="font-mono">whsec_…{secret.last4}</span>
                    <span className="text-xs text-slate-500">created {formatDateTime(secret.createdAt)}</span>
                    <StatusBadge
                      status={expired ? "Expired" : secret.expiresAt ? "Grace period" : "Active"}
                      tone={expired ? "gray" : secret.expiresAt ? "amber" : "green"}
                    />
                    {secret.expiresAt && !expired ? (
                      <span className="text-xs text-slate-500">signs until {formatDateTime(secret.expiresAt)}</span>
                    ) : null}
                  </li>
                );
              })}
            </ul>
            {canManage ? (
              <form
                className="mt-3 flex flex-wrap items-end gap-3"
                onSubmit={(event) => {
                  event.preventDefault();
                  rotate.mutate({ id: endpoint.id, graceHours });
                }}
              >
                <GracePeriodSelect
                  id="endpoint-grace"
                  label="Old secret keeps signing for"
                  noneLabel="No overlap (stop now)"
                  value={graceHours}
                  onChange={setGraceHours}
                />
                <button type="submit" className={secondaryButtonClass} disabled={rotate.isPending}>
                  {rotate.isPending ? "Rotating…" : "Rotate signing secret"}
                </button>
              </form>
            ) : null}
          </div>
        </div>
      </Card>
      <Card title="Delivery log">
        <DeliveryLog endpointId={endpoint.id} canManage={canManage} />
      </Card>
    </>
  );
}

/**
 * Field errors from the server, with a refused address (the outbound address rules) shown beside
 * the URL field rather than in a banner.
 */
function endpointFieldErrors(
  error: {
    message: string;
    data?: { code?: string; zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null } | null;
  } | null,
): Record<string, string[] | undefined> {
  if (!error) return {};
  if (error.data?.zodError?.fieldErrors) return error.data.zodError.fieldErrors;
  return error.data?.code === "BAD_REQUEST" ? { url: [error.message] } : {};
}
