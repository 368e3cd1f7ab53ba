"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormError } from "@/app/_components/field";
import { dangerButtonClass, inputClass } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";

export function DeleteWorkspace({ slug, isOwner }: { slug: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [typed, setTyped] = useState("");
  const remove = useMutation(trpc.tenant.remove.mutationOptions({ onSuccess: () => router.push("/") }));
  return (
    <form
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        remove.mutate({ confirmSlug: typed });
      }}
    >
      <p className="text-sm text-slate-700">
        Deletes every connection, secret, item, webhook log and sync run of this workspace. Storefronts keep their last
        stock. The audit trail is kept for the platform. This cannot be undone.
      </p>
      {!isOwner ? <p className="text-sm text-slate-600">Only owners can delete the workspace.</p> : null}
      <FormError message={remove.error?.message} />
      <fieldset disabled={!isOwner || remove.isPending} className="flex flex-wrap items-end gap-3">
        <div className="min-w-56 flex-1">
          <label htmlFor="confirm-workspace" className="block text-sm font-medium text-slate-700">
            Type “{slug}” to confirm
          </label>
          <input
            id="confirm-workspace"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            className={`mt-1 ${inputClass}`}
          />
        </div>
        <button type="submit" className={dangerButtonClass} disabled={typed !== slug}>
          Delete workspace
        </button>
      </fieldset>
    </form>
  );
}
