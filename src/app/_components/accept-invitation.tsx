"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/trpc/react";
import { FormError } from "./field";
import { buttonClass } from "./ui";

export function AcceptInvitationButton({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(
    trpc.member.acceptInvitation.mutationOptions({
      onSuccess: ({ tenantSlug }) => {
        router.replace(`/t/${tenantSlug}`);
        router.refresh();
      },
    }),
  );
  return (
    <div className="mt-6 space-y-3">
      <FormError message={accept.error?.message} />
      <button
        type="button"
        className={`${buttonClass} w-full`}
        disabled={accept.isPending || accept.isSuccess}
        onClick={() => accept.mutate({ token })}
      >
        {accept.isPending || accept.isSuccess ? "Joining…" : "Accept invitation"}
      </button>
    </div>
  );
}
