import type { Metadata } from "next";
import { Suspense } from "react";
import { ResetPasswordForm } from "@/app/_components/password-forms";

export const metadata: Metadata = { title: "Set a new password" };

export default function ResetPasswordPage() {
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-900">Set a new password</h1>
      <Suspense>
        <ResetPasswordForm />
      </Suspense>
    </>
  );
}
