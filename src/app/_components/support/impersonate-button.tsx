"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormError } from "@/app/_components/field";
import { buttonClass, inputClass, secondaryButtonClass } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";

const DURATIONS = [15, 30, 60, 120];

/** Opens a support session for one tenant: a written reason (the tenant reads it) and a time limit. */
export function ImpersonateButton({
  tenantId,
  tenantName,
  disabledReason,
}: {
  tenantId: string;
  tenantName: string;
  disabledReason?: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [minutes, setMinutes] = useState(30);
  const start = useMutation(
    trpc.support.startImpersonation.mutationOptions({ onSuccess: (session) => router.push(`/t/${session.slug}`) }),
  );

  if (!open) {
    return (
      <button
        type="button"
        className={secondaryButtonClass}
        disabled={Boolean(disabledReason)}
        title={disabledReason}
        onClick={() => setOpen(true)}
        aria-label={`Impersonate ${tenantName}`}
      >
        Impersonate
      </button>
    );
  }
  return (
    <form
      className="mt-2 space-y-2 text-left"
      onSubmit={(event) => {
        event.preventDefault();
        start.mutate({ tenantId, reason, minutes });
      }}
    >
      <FormError message={start.error?.data?.zodError?.fieldErrors.reason?.[0] ?? start.error?.message} />
      <label className="block text-sm font-medium text-slate-700">
        Reason (shown to {tenantName})
        <textarea
          className={`mt-1 ${inputClass}`}
          rows={2}
          required
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <label className="block text-sm font-medium text-slate-700">
        Duration
        <select className={`mt-1 ${inputClass}`} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
          {DURATIONS.map((value) => (
            <option key={value} value={value}>
              {value} minutes
            </option>
          ))}
        </select>
      </label>
      <div className="flex gap-2">
        <button type="submit" className={buttonClass} disabled={start.isPending}>
          Start read-only session
        </button>
        <button type="button" className={secondaryButtonClass} onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
