"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormError } from "@/app/_components/field";
import { buttonClass, inputClass } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";

type PlatformRole = "USER" | "SUPPORT" | "ADMIN";

/** ADMIN only: who is staff, and giving or taking a platform role by email. */
export function PlatformRoles({
  staff,
  disabledReason,
}: {
  staff: { id: string; name: string; email: string; platformRole: PlatformRole }[];
  disabledReason?: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<PlatformRole>("SUPPORT");
  const assign = useMutation(
    trpc.support.setPlatformRole.mutationOptions({
      onSuccess: () => {
        setEmail("");
        router.refresh();
      },
    }),
  );
  return (
    <div className="space-y-3">
      <ul className="divide-y divide-slate-100 text-sm">
        {staff.map((user) => (
          <li key={user.id} className="flex justify-between py-1.5">
            <span>
              {user.name} <span className="text-slate-500">{user.email}</span>
            </span>
            <span className="font-medium text-slate-700">{user.platformRole.toLowerCase()}</span>
          </li>
        ))}
      </ul>
      <FormError message={assign.error?.data?.zodError?.fieldErrors.email?.[0] ?? assign.error?.message} />
      {assign.isSuccess ? (
        <p role="status" className="text-sm text-emerald-700">
          {assign.data.email} is now {assign.data.role.toLowerCase()}.
        </p>
      ) : null}
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          assign.mutate({ email, role });
        }}
      >
        <fieldset disabled={Boolean(disabledReason) || assign.isPending} className="contents">
          <label className="min-w-48 flex-1 text-sm font-medium text-slate-700">
            User email
            <input
              type="email"
              required
              className={`mt-1 ${inputClass}`}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
          <label className="text-sm font-medium text-slate-700">
            Platform role
            <select
              className={`mt-1 ${inputClass}`}
              value={role}
              onChange={(e) => setRole(e.target.value as PlatformRole)}
            >
              <option value="USER">User (no staff access)</option>
              <option value="SUPPORT">Support</option>
              <option value="ADMIN">Admin</option>
            </select>
          </label>
          <button type="submit" className={buttonClass}>
            Assign role
          </button>
        </fieldset>
      </form>
      {disabledReason ? <p className="text-sm text-slate-600">{disabledReason}</p> : null}
    </div>
  );
}
