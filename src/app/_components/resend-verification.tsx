"use client";

import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { FormError } from "./field";

/** "Send the link again", limited on the server; answers the same whatever the address. */
export function ResendVerification({ email }: { email: string }) {
  const trpc = useTRPC();
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  return (
    <div className="space-y-2 text-sm">
      <FormError message={resend.error?.message} />
      {resend.isSuccess ? (
        <p role="status" className="text-emerald-700">
          If {email} is waiting for confirmation, a new link is on its way.
        </p>
      ) : (
        <button
          type="button"
          className="font-medium text-brand-600 hover:underline disabled:text-slate-400"
          disabled={resend.isPending}
          onClick={() => resend.mutate({ email })}
        >
          {resend.isPending ? "Sending…" : "Send the confirmation link again"}
        </button>
      )}
    </div>
  );
}
