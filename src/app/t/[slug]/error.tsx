"use client";

import { buttonClass } from "@/app/_components/ui";

/** A page that failed to load says so and offers a retry, inside the dashboard frame. */
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-xl border border-rose-200 bg-rose-50 p-6">
      <h1 className="text-lg font-semibold text-rose-900">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-rose-800">
        {error.message && !error.digest ? error.message : "The server ran into a problem. It has been logged."}
        {error.digest ? <span className="ml-1 font-mono text-xs">(reference {error.digest})</span> : null}
      </p>
      <button type="button" onClick={reset} className={`${buttonClass} mt-4`}>
        Try again
      </button>
    </div>
  );
}
