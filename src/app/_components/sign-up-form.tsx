"use client";

import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { enumValue } from "@/app/_components/enum-options";
import { TenantKind } from "@/generated/prisma/enums";
import { safeCallbackPath } from "@/shared/callback-url";
import { useTRPC } from "@/trpc/react";
import { Field, FormError } from "./field";
import { ResendVerification } from "./resend-verification";
import { buttonClass, inputClass } from "./ui";

const KINDS = [
  { value: "GALLERY", label: "Art gallery (SAM)" },
  { value: "STORE", label: "Online store (Shopify, WooCommerce, BigCommerce)" },
  { value: "ERP", label: "ERP site (Business Central)" },
] as const satisfies readonly { value: TenantKind; label: string }[];

export function SignUpForm() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const next = safeCallbackPath(params.get("callbackUrl"), "");
  // Someone arriving from an invitation joins that workspace; they need not start one of their own.
  const joiningByInvitation = next.startsWith("/invite");
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const fieldErrors = signUp.error?.data?.zodError?.fieldErrors ?? {};

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const form = new FormData(event.currentTarget);
    const input = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      ...(joiningByInvitation
        ? {}
        : {
            tenantName: String(form.get("tenantName") ?? ""),
            tenantKind: enumValue(TenantKind, String(form.get("tenantKind") ?? "")) ?? "GALLERY",
          }),
      ...(next ? { next } : {}),
    };
    try {
      await signUp.mutateAsync(input);
      setSentTo(input.email);
    } catch (caught) {
      // Field problems are shown beside their fields; anything else goes in the banner.
      if (caught instanceof TRPCClientError && caught.data?.zodError) return;
      setError(caught instanceof Error ? caught.message : "Something went wrong");
    }
  }

  if (sentTo) {
    return (
      <div className="mt-6 space-y-4" role="status">
        <h2 className="text-lg font-semibold text-slate-900">Check your email</h2>
        <p className="text-sm text-slate-600">
          We sent a message to <strong>{sentTo}</strong>. Open the link in it to confirm your address
          {joiningByInvitation ? ", then accept the invitation" : " and open your workspace"}. The link works once, for
          24 hours.
        </p>
        <ResendVerification email={sentTo} />
        <p className="text-sm text-slate-600">
          Already confirmed?{" "}
          <Link
            href={next ? `/signin?callbackUrl=${encodeURIComponent(next)}` : "/signin"}
            className="font-medium text-brand-600 hover:underline"
          >
            Sign in
          </Link>
        </p>
      </div>
    );
  }

  return (
    <form method="post" onSubmit={onSubmit} className="mt-6 space-y-4" noValidate>
      <FormError message={error} />
      <Field label="Your name" name="name" autoComplete="name" required error={fieldErrors.name?.[0]} />
      <Field
        label="Work email"
        name="email"
        type="email"
        autoComplete="email"
        required
        error={fieldErrors.email?.[0]}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 10 characters."
        error={fieldErrors.password?.[0]}
      />
      {joiningByInvitation ? null : (
        <>
          <Field
            label="Gallery, store or site name"
            name="tenantName"
            required
            placeholder="Harbour Gallery"
            error={fieldErrors.tenantName?.[0]}
          />
          <div>
            <label htmlFor="tenantKind" className="block text-sm font-medium text-slate-700">
              What do you run?
            </label>
            <select id="tenantKind" name="tenantKind" className={`mt-1 ${inputClass}`} defaultValue="GALLERY">
              {KINDS.map((kind) => (
                <option key={kind.value} value={kind.value}>
                  {kind.label}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      <button type="submit" className={`${buttonClass} w-full`} disabled={signUp.isPending}>
        {signUp.isPending ? "Creating your account…" : "Create account"}
      </button>
    </form>
  );
}
