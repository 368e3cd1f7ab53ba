"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter, useSearchParams } from "next/navigation";
import { useTRPC } from "@/trpc/react";
import { Field, FormError } from "./field";
import { buttonClass } from "./ui";

/** The field's value from the submitted form: what was typed, even before the page hydrated. */
const submitted = (event: React.FormEvent<HTMLFormElement>, name: string) =>
  String(new FormData(event.currentTarget).get(name) ?? "");

export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  if (request.isSuccess) {
    return (
      <p role="status" className="mt-6 text-sm text-slate-700">
        If <strong>{request.variables?.email}</strong> has an account, a link to set a new password is on its way. It
        works once, for an hour.
      </p>
    );
  }
  return (
    <form
      method="post"
      className="mt-6 space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        request.mutate({ email: submitted(event, "email") });
      }}
    >
      <FormError message={request.error?.data?.zodError ? null : request.error?.message} />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        error={request.error?.data?.zodError?.fieldErrors.email?.[0]}
      />
      <button type="submit" className={`${buttonClass} w-full`} disabled={request.isPending}>
        {request.isPending ? "Sending…" : "Mail me a link"}
      </button>
    </form>
  );
}

export function ResetPasswordForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const token = useSearchParams().get("token") ?? "";
  const reset = useMutation(
    trpc.auth.resetPassword.mutationOptions({ onSuccess: () => router.replace("/signin?reset=1") }),
  );
  return (
    <form
      method="post"
      className="mt-6 space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        reset.mutate({ token, password: submitted(event, "password") });
      }}
    >
      <FormError message={reset.error?.data?.zodError ? null : reset.error?.message} />
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters."
        error={reset.error?.data?.zodError?.fieldErrors.password?.[0]}
      />
      <button type="submit" className={`${buttonClass} w-full`} disabled={reset.isPending}>
        {reset.isPending ? "Saving…" : "Set new password"}
      </button>
    </form>
  );
}
