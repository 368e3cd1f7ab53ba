"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { safeCallbackPath } from "@/shared/callback-url";
import { Field, FormError } from "./field";
import { ResendVerification } from "./resend-verification";
import { buttonClass } from "./ui";

const REFUSALS: Record<string, string> = {
  invalid: "That email and password don't match an account.",
  unverified: "Confirm your email address first: open the link we mailed you when you signed up.",
  rate_limited: "Too many failed attempts. Wait 15 minutes, or set a new password with “Forgot your password?”.",
};

/** Banners for where the visitor came from (a mailed link, an OAuth refusal). */
const NOTICES: Record<string, { tone: "ok" | "error"; text: string }> = {
  "verified=1": { tone: "ok", text: "Your email address is confirmed. Sign in to continue." },
  "reset=1": { tone: "ok", text: "Your password is changed. Sign in with the new one." },
  "verification=invalid": {
    tone: "error",
    text: "That confirmation link is not valid or was already used. Sign in, or ask for a new link.",
  },
  "verification=expired": { tone: "error", text: "That confirmation link has expired. Ask for a new one below." },
  "error=ProviderEmailUnverified": {
    tone: "error",
    text: "Your provider does not say that your email address is verified. Verify it there, or sign up with a password.",
  },
  "error=AccountEmailUnverified": {
    tone: "error",
    text: "An account with this address is waiting for its email confirmation. Confirm it, or set a new password with “Forgot your password?”, then sign in.",
  },
};

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(null);
  const [unverifiedEmail, setUnverifiedEmail] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const callbackUrl = safeCallbackPath(params.get("callbackUrl"));
  const notice = Object.entries(NOTICES).find(([key]) => {
    const [name, value] = key.split("=");
    return params.get(name!) === value;
  })?.[1];

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    setUnverifiedEmail(null);
    const email = String(form.get("email") ?? "");
    const result = await signIn("credentials", { email, password: form.get("password"), redirect: false });
    setPending(false);
    if (!result || result.error) {
      const code = result?.code ?? "invalid";
      setError(REFUSALS[code] ?? REFUSALS.invalid!);
      if (code === "unverified") setUnverifiedEmail(email);
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <form method="post" onSubmit={onSubmit} className="mt-6 space-y-4" noValidate>
      {notice && !error ? (
        <p
          role={notice.tone === "ok" ? "status" : "alert"}
          className={`rounded-lg px-3 py-2 text-sm ring-1 ${notice.tone === "ok" ? "bg-emerald-50 text-emerald-800 ring-emerald-200" : "bg-rose-50 text-rose-800 ring-rose-200"}`}
        >
          {notice.text}
        </p>
      ) : null}
      <FormError message={error} />
      {unverifiedEmail ? <ResendVerification email={unverifiedEmail} /> : null}
      <Field label="Email" name="email" type="email" autoComplete="email" required />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required />
      <button type="submit" className={`${buttonClass} w-full`} disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p className="text-center text-sm">
        <Link href="/forgot-password" className="font-medium text-brand-600 hover:underline">
          Forgot your password?
        </Link>
      </p>
    </form>
  );
}
