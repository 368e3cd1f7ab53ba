"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/trpc/react";
import { Field, FormError } from "./field";
import { buttonClass, inputClass } from "./ui";

export function NewTenantForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.tenant.create.mutationOptions({ onSuccess: ({ slug }) => router.push(`/t/${slug}`) }));

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ name: String(form.get("name")), kind: String(form.get("kind")) as "GALLERY" | "STORE" | "ERP" });
  }

  return (
    <form onSubmit={onSubmit} className="mt-6 space-y-4">
      <FormError message={create.error?.message} />
      <Field label="Name" name="name" required placeholder="Harbour Gallery — Annex" />
      <div>
        <label htmlFor="kind" className="block text-sm font-medium text-slate-700">Kind</label>
        <select id="kind" name="kind" className={`mt-1 ${inputClass}`}>
          <option value="GALLERY">Art gallery</option>
          <option value="STORE">Store</option>
          <option value="ERP">ERP site</option>
        </select>
      </div>
      <button type="submit" className={buttonClass} disabled={create.isPending}>{create.isPending ? "Creating…" : "Create workspace"}</button>
    </form>
  );
}
