"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { FormError } from "@/app/_components/field";
import { formatDateTime } from "@/app/_components/format";
import { ConfirmButton, secondaryButtonClass } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/types";

type Session = RouterOutputs["support"]["activeSessions"][number];

/** Running support sessions: one's own (continue or end), and for an ADMIN everyone else's (grant write access). */
export function ActiveSessions({
  sessions,
  currentSessionId,
  isAdmin,
  viewerId,
}: {
  sessions: Session[];
  currentSessionId: string | null;
  isAdmin: boolean;
  viewerId: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const end = useMutation(trpc.support.endImpersonation.mutationOptions({ onSuccess: () => router.refresh() }));
  const grant = useMutation(trpc.support.grantWriteAccess.mutationOptions({ onSuccess: () => router.refresh() }));
  if (sessions.length === 0) return <p className="text-sm text-slate-500">No support session is running.</p>;
  return (
    <div className="space-y-2">
      <FormError message={grant.error?.message ?? end.error?.message} />
      <ul className="divide-y divide-slate-100">
        {sessions.map((session) => {
          const mine = session.id === currentSessionId;
          return (
            <li key={session.id} className="flex flex-wrap items-center gap-3 py-2 text-sm">
              <div className="min-w-0 flex-1">
                <p className="font-medium text-slate-900">
                  {session.tenant.name} <span className="font-normal text-slate-500">by {session.staffUser.email}</span>
                </p>
                <p className="text-slate-600">
                  “{session.reason}” · until {formatDateTime(session.expiresAt)} ·{" "}
                  {session.writeAccessGrantedAt ? "write access granted" : "read-only"}
                </p>
              </div>
              {mine ? (
                <>
                  <Link className={secondaryButtonClass} href={`/t/${session.tenant.slug}`}>
                    Continue
                  </Link>
                  <button
                    type="button"
                    className={secondaryButtonClass}
                    onClick={() => end.mutate()}
                    disabled={end.isPending}
                  >
                    End
                  </button>
                </>
              ) : null}
              {isAdmin && !session.writeAccessGrantedAt && session.staffUser.id !== viewerId ? (
                <ConfirmButton
                  className={secondaryButtonClass}
                  disabled={grant.isPending || currentSessionId !== null}
                  title={`Give ${session.staffUser.email} write access to ${session.tenant.name}?`}
                  consequences={
                    <p>
                      For the rest of this session they can change the workspace&apos;s settings and connections. The
                      workspace sees the grant in its access log; it cannot be taken back before the session ends.
                    </p>
                  }
                  confirmLabel="Grant write access"
                  onConfirm={() => grant.mutate({ sessionId: session.id })}
                >
                  Grant write access
                </ConfirmButton>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
