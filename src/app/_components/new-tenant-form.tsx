"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { enumValue } from "@/app/_components/enum-options";
import { TENANT_KIND_LABELS } from "@/app/_components/labels";
import { TenantKind } from "@/generated/prisma/enums";
import { useTRPC } from "@/trpc/react";
import { Field, FormError } from "./field";
import { buttonClass, inputClass } from "./ui";

export function NewTenantForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(
    trpc.tenant.create.mutationOptions({ onSuccess: ({ slug }) => router.push(`/t/${slug}`) }),
  );

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      name: String(form.get("name")),
      kind: enumValue(TenantKind, String(form.get("kind"))) ?? "GALLERY",
    });
  }

  return (
    <form onSubmit={onSubmit} className="mt-6 space-y-4">
      <FormError message={create.error?.message} />
      <Field label="Name" name="name" required placeholder="Harbour Gallery — Annex" />
      <div>
        <label htmlFor="kind" className="block text-sm font-medium text-slate-700">
          Kind
        </label>
        <select id="kind" name="kind" className={`mt-1 ${inputClass}`}>
          {Object.entries(TENANT_KIND_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className={buttonClass} disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create workspace"}
      </button>
    </form>
  );
}
