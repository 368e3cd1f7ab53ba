"use client";

import { useMutation } from "@tanstack/react-query";
import { secondaryButtonClass } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";

export const TEST_FAILURE_REASONS: Record<string, string> = {
  bad_credentials: "The platform refused the credentials",
  wrong_store_url: "Nothing answers at that address",
  rate_limited: "The platform is rate-limiting us; try again in a minute",
  unexpected_response: "The platform answered something unexpected",
  unreachable: "The platform could not be reached",
  unavailable: "The platform is having trouble",
  no_api: "No API to test",
  refused_address: "Stockhook does not call that address",
};

/** Calls the platform with the stored credentials and says what happened, in words. */
export function TestConnectionButton({ connectionId, disabled }: { connectionId: string; disabled?: boolean }) {
  const trpc = useTRPC();
  const test = useMutation(trpc.connection.test.mutationOptions());
  const result = test.data;
  return (
    <div className="space-y-2">
      <button
        type="button"
        className={secondaryButtonClass}
        disabled={disabled || test.isPending}
        onClick={() => test.mutate({ id: connectionId })}
      >
        {test.isPending ? "Testing…" : "Test connection"}
      </button>
      <div role="status" aria-live="polite" className="text-sm">
        {result?.ok ? (
          <p className="text-emerald-800">
            ✓ {result.detail} ({result.latencyMs} ms)
          </p>
        ) : null}
        {result && !result.ok ? (
          <p className="text-rose-800">
            ✗ {TEST_FAILURE_REASONS[result.reason] ?? "Failed"}: {result.message}
          </p>
        ) : null}
        {test.error ? <p className="text-rose-800">✗ {test.error.message}</p> : null}
      </div>
    </div>
  );
}
