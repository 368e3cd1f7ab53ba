"use client";

import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { useTRPC } from "@/trpc/react";
import { Field, FormError } from "./field";
import { buttonClass, inputClass } from "./ui";

const KINDS = [
  { value: "GALLERY", label: "Art gallery (SAM)" },
  { value: "STORE", label: "Online store (Shopify, WooCommerce, BigCommerce)" },
  { value: "ERP", label: "ERP site (Business Central)" },
] as const;

export function SignUpForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
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
      tenantName: String(form.get("tenantName") ?? ""),
      tenantKind: String(form.get("tenantKind") ?? "GALLERY") as (typeof KINDS)[number]["value"],
    };
    try {
      const { tenantSlug } = await signUp.mutateAsync(input);
      const result = await signIn("credentials", { email: input.email, password: input.password, redirect: false });
      if (!result || result.error) throw new Error("Your account was created, but signing in failed. Try signing in.");
      router.replace(`/t/${tenantSlug}`);
      router.refresh();
    } catch (caught) {
      // Field problems are shown beside their fields; anything else goes in the banner.
      if (caught instanceof TRPCClientError && caught.data?.zodError) return;
      setError(caught instanceof Error ? caught.message : "Something went wrong");
    }
  }

  return (
    <form onSubmit={onSubmit} className="mt-6 space-y-4" noValidate>
      <FormError message={error} />
      <Field label="Your name" name="name" autoComplete="name" required error={fieldErrors.name?.[0]} />
      <Field label="Work email" name="email" type="email" autoComplete="email" required error={fieldErrors.email?.[0]} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required hint="At least 10 characters." error={fieldErrors.password?.[0]} />
      <Field label="Gallery, store or site name" name="tenantName" required placeholder="Harbour Gallery" error={fieldErrors.tenantName?.[0]} />
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
      <button type="submit" className={`${buttonClass} w-full`} disabled={signUp.isPending}>
        {signUp.isPending ? "Creating your workspace…" : "Create account"}
      </button>
    </form>
  );
}
