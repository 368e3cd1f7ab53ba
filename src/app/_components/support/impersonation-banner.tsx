"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useTRPC } from "@/trpc/react";

function minutesLeft(expiresAt: Date, now: number): number {
  return Math.max(0, Math.ceil((expiresAt.getTime() - now) / 60_000));
}

/**
 * Always on top of an impersonated dashboard: whose it is, why, how long is left, and End. The
 * countdown is only a courtesy — the server refuses the session on the first request after it
 * expires or ends, whatever this banner shows.
 */
export function ImpersonationBanner({
  tenantName,
  reason,
  expiresAt,
  writeAccess,
}: {
  tenantName: string;
  reason: string;
  expiresAt: Date;
  writeAccess: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [now, setNow] = useState(() => Date.now());
  const end = useMutation(trpc.support.endImpersonation.mutationOptions({ onSettled: () => router.push("/support") }));
  const left = minutesLeft(expiresAt, now);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (left === 0) router.push("/support?ended=1");
  }, [left, router]);

  return (
    <div
      role="region"
      aria-label="Support session"
      className="sticky top-0 z-50 flex flex-wrap items-center gap-x-3 gap-y-1 bg-amber-400 px-4 py-2 text-sm text-amber-950 shadow"
    >
      <p className="min-w-0 flex-1" data-testid="impersonation-banner">
        <strong>Viewing {tenantName} as support</strong> — <span className="italic">{reason}</span> — {left} min left
        {writeAccess ? " — write access granted" : " — read-only"}
      </p>
      <button
        type="button"
        onClick={() => end.mutate()}
        disabled={end.isPending}
        className="rounded-md bg-amber-950 px-3 py-1 font-medium text-amber-50 hover:bg-amber-900 disabled:opacity-60"
      >
        End
      </button>
    </div>
  );
}
