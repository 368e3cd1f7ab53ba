"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { enumValue } from "@/app/_components/enum-options";
import { TENANT_KIND_LABELS } from "@/app/_components/labels";
import { TenantKind } from "@/generated/prisma/enums";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/types";
import { Field, FormError } from "./field";
import { inputClass, SaveRow } from "./ui";

type TenantSettings = Pick<
  RouterOutputs["tenant"]["current"],
  "name" | "kind" | "safetyBuffer" | "retentionDays" | "sellingLocations"
>;

export function TenantSettingsForm({ tenant, canEdit }: { tenant: TenantSettings; canEdit: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.tenant.update.mutationOptions({
      onSuccess: () => {
        setSaved(true);
        router.refresh();
      },
    }),
  );
  const fieldErrors = update.error?.data?.zodError?.fieldErrors ?? {};

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    update.mutate({
      name: String(form.get("name")),
      kind: enumValue(TenantKind, String(form.get("kind"))) ?? tenant.kind,
      safetyBuffer: Number(form.get("safetyBuffer")),
      retentionDays: Number(form.get("retentionDays")),
      sellingLocations: String(form.get("sellingLocations") ?? "")
        .split(/[\n,]/)
        .map((location) => location.trim())
        .filter(Boolean),
    });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {!canEdit ? (
        <p className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-600">
          Only owners and admins can change these settings.
        </p>
      ) : null}
      <FormError message={update.error && !update.error.data?.zodError ? update.error.message : null} />
      <fieldset disabled={!canEdit || update.isPending} className="space-y-4">
        <Field label="Name" name="name" defaultValue={tenant.name} required error={fieldErrors.name?.[0]} />
        <div>
          <label htmlFor="kind" className="block text-sm font-medium text-slate-700">
            Kind
          </label>
          <select id="kind" name="kind" defaultValue={tenant.kind} className={`mt-1 ${inputClass}`}>
            {Object.entries(TENANT_KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="Safety buffer (units held back from every channel)"
          name="safetyBuffer"
          type="number"
          min={0}
          max={10000}
          defaultValue={tenant.safetyBuffer}
          error={fieldErrors.safetyBuffer?.[0]}
        />
        <div>
          <label htmlFor="sellingLocations" className="block text-sm font-medium text-slate-700">
            Selling locations
          </label>
          <textarea
            id="sellingLocations"
            name="sellingLocations"
            rows={3}
            defaultValue={tenant.sellingLocations.join("\n")}
            aria-describedby="sellingLocations-hint"
            className={`mt-1 ${inputClass}`}
            placeholder="One location id per line"
          />
          <p id="sellingLocations-hint" className="mt-1 text-xs text-slate-500">
            Only stock at these locations is offered online. Leave empty to sell from every location.
          </p>
        </div>
        <Field
          label="Keep webhook logs for (days, 1–365)"
          name="retentionDays"
          type="number"
          min={1}
          max={365}
          defaultValue={tenant.retentionDays}
          error={fieldErrors.retentionDays?.[0]}
        />
        <SaveRow label="Save settings" pending={update.isPending} saved={saved} />
      </fieldset>
    </form>
  );
}
