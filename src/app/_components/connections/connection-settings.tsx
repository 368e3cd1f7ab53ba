"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { enumValue } from "@/app/_components/enum-options";
import { Field, FormError } from "@/app/_components/field";
import { dangerButtonClass, inputClass, SaveRow, secondaryButtonClass } from "@/app/_components/ui";
import { SyncSchedule } from "@/generated/prisma/enums";
import { PROVIDER_GUIDES, SCHEDULE_LABELS, type GuidedProvider } from "@/shared/provider-guides";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/types";

type EditableConnection = Pick<
  RouterOutputs["connection"]["byId"],
  "id" | "provider" | "name" | "baseUrl" | "syncSchedule" | "webhooksEnabled" | "status"
>;

export function ConnectionSettingsForm({ connection, canEdit }: { connection: EditableConnection; canEdit: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.connection.update.mutationOptions({
      onSuccess: () => {
        setSaved(true);
        router.refresh();
      },
    }),
  );
  const fieldErrors = update.error?.data?.zodError?.fieldErrors ?? {};
  const guide = PROVIDER_GUIDES[connection.provider];

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    update.mutate({
      id: connection.id,
      name: String(form.get("name")),
      syncSchedule: enumValue(SyncSchedule, String(form.get("syncSchedule") ?? "")) ?? connection.syncSchedule,
      webhooksEnabled: form.get("webhooksEnabled") === "on",
      paused: form.get("paused") === "on",
    });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <FormError message={update.error && !update.error.data?.zodError ? update.error.message : null} />
      <fieldset disabled={!canEdit || update.isPending} className="space-y-4">
        <Field label="Name" name="name" defaultValue={connection.name} error={fieldErrors.name?.[0]} />
        {guide.hasApi ? (
          <div>
            <label htmlFor="syncSchedule" className="block text-sm font-medium text-slate-700">
              Reconcile schedule
            </label>
            <select
              id="syncSchedule"
              name="syncSchedule"
              defaultValue={connection.syncSchedule}
              className={`mt-1 ${inputClass}`}
            >
              {Object.entries(SCHEDULE_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="webhooksEnabled" defaultChecked={connection.webhooksEnabled} />
          Accept webhooks (when off, deliveries are answered 404 and the platform keeps them for its own retries)
        </label>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="paused" defaultChecked={connection.status === "PAUSED"} />
          Paused (no scheduled reconciles)
        </label>
        <SaveRow label="Save changes" pending={update.isPending} saved={saved} />
      </fieldset>
    </form>
  );
}

/**
 * Where the connection points: owners and admins only. The stored API credentials are revoked
 * with the change (a token given for one address must not reach another), so the form says so.
 */
export function ChangeAddressForm({
  connection,
  canManage,
}: {
  connection: Pick<EditableConnection, "id" | "provider" | "baseUrl">;
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const change = useMutation(trpc.connection.changeAddress.mutationOptions({ onSuccess: () => router.refresh() }));
  const fieldErrors = change.error?.data?.zodError?.fieldErrors ?? {};
  const guide = PROVIDER_GUIDES[connection.provider];
  return (
    <form
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        change.mutate({ id: connection.id, baseUrl: String(form.get("baseUrl") ?? "").trim() });
      }}
    >
      <FormError message={change.error && !change.error.data?.zodError ? change.error.message : null} />
      {change.data?.changed ? (
        <p role="status" className="text-sm text-emerald-700">
          Address changed.
          {change.data.credentialsRevoked
            ? " The stored API credentials were revoked: enter them again under API credentials."
            : ""}
        </p>
      ) : null}
      <fieldset disabled={!canManage || change.isPending} className="space-y-3">
        <Field
          label={guide.baseUrlLabel}
          name="baseUrl"
          type="url"
          defaultValue={connection.baseUrl}
          error={fieldErrors.baseUrl?.[0]}
          hint={
            guide.hasApi
              ? "Changing it revokes the stored API credentials; you enter them again for the new address."
              : undefined
          }
        />
        <button type="submit" className={secondaryButtonClass}>
          {change.isPending ? "Saving…" : "Change address"}
        </button>
      </fieldset>
    </form>
  );
}

/** New API credentials replace the stored ones; the old ones are revoked in the same step. */
export function ReplaceCredentialsForm({
  connectionId,
  provider,
  canManage,
}: {
  connectionId: string;
  provider: GuidedProvider;
  canManage: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const replace = useMutation(trpc.secret.replaceCredentials.mutationOptions({ onSuccess: () => router.refresh() }));
  const fieldErrors = (replace.error?.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
  const guide = PROVIDER_GUIDES[provider];
  if (!guide.credentials.length)
    return <p className="text-sm text-slate-600">This platform only sends webhooks; it has no API credentials.</p>;
  return (
    <form
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        replace.mutate({
          connectionId,
          credentials: Object.fromEntries(
            guide.credentials.map((f) => [f.name, String(form.get(`credential-${f.name}`) ?? "").trim()]),
          ),
        });
      }}
    >
      <FormError message={replace.error?.message} />
      {replace.isSuccess ? (
        <p role="status" className="text-sm text-emerald-700">
          Credentials replaced; the previous ones are revoked.
        </p>
      ) : null}
      <fieldset disabled={!canManage || replace.isPending} className="space-y-3">
        {guide.credentials.map((field) => (
          <Field
            key={field.name}
            label={`${field.label}${field.optional ? " (optional)" : ""}`}
            name={`credential-${field.name}`}
            type={field.secret ? "password" : field.numeric ? "number" : "text"}
            autoComplete="off"
            placeholder={field.placeholder}
            hint={field.help}
            error={fieldErrors[field.name]?.[0]}
          />
        ))}
        <button type="submit" className={secondaryButtonClass}>
          {replace.isPending ? "Saving…" : "Replace API credentials"}
        </button>
      </fieldset>
    </form>
  );
}

export function DeleteConnection({
  connection,
  slug,
  canDelete,
}: {
  connection: { id: string; name: string };
  slug: string;
  canDelete: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const remove = useMutation(
    trpc.connection.remove.mutationOptions({ onSuccess: () => router.push(`/t/${slug}/connections`) }),
  );
  return (
    <form
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        remove.mutate({ id: connection.id, confirmName: typed });
      }}
    >
      <p className="text-sm text-slate-700">
        Deleting removes its secrets, item links, webhook log and sync history. Items stay. This cannot be undone.
      </p>
      <FormError message={remove.error?.message} />
      <fieldset disabled={!canDelete || remove.isPending} className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1">
          <label htmlFor="confirm-delete" className="block text-sm font-medium text-slate-700">
            Type “{connection.name}” to confirm
          </label>
          <input
            id="confirm-delete"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            className={`mt-1 ${inputClass}`}
            autoComplete="off"
          />
        </div>
        <button type="submit" className={dangerButtonClass} disabled={typed !== connection.name}>
          Delete connection
        </button>
      </fieldset>
    </form>
  );
}
