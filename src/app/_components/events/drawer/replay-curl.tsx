"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { CopyButton } from "@/app/_components/copy-button";
import { buttonClass, inputClass } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import type { EventDetail } from "./types";

/**
 * "Copy as curl": asks the server for the exact signed request aimed at the URL typed here (an
 * audited read), copies it with the signature in full and shows it with the signature masked.
 */
export function ReplayCurl({ event, canCopySigned }: { event: EventDetail; canCopySigned: boolean }) {
  const trpc = useTRPC();
  const [target, setTarget] = useState("");
  const [copied, setCopied] = useState<boolean | null>(null);
  const command = useMutation(
    trpc.event.replayCommand.mutationOptions({
      onSuccess: async (result) => {
        setCopied(
          await navigator.clipboard.writeText(result.command).then(
            () => true,
            () => false,
          ),
        );
      },
    }),
  );
  if (!event.request)
    return (
      <section>
        <h3 className="mb-2 font-semibold text-slate-900">Send it again elsewhere</h3>
        <p className="text-slate-500" data-testid="no-exact-replay">
          An exact replay is not available for this event: it was stored before Stockhook kept the request as sent (or
          it is a duplicate or was refused), so its signature header and original bytes are not on record.
        </p>
      </section>
    );
  return (
    <section>
      <h3 className="mb-2 font-semibold text-slate-900">Send it again elsewhere</h3>
      <form
        className="space-y-2"
        onSubmit={(e) => {
          e.preventDefault();
          setCopied(null);
          command.mutate({ id: event.id, url: target });
        }}
      >
        <label className="block text-sm font-medium text-slate-700">
          Target URL
          <input
            type="url"
            required
            className={`mt-1 ${inputClass}`}
            placeholder="http://localhost:3000/api/webhooks/…"
            value={target}
            onChange={(e) => setTarget(e.target.value)}
          />
        </label>
        <div className="flex flex-wrap items-center gap-2">
          <button type="submit" className={buttonClass} disabled={!canCopySigned || command.isPending}>
            Copy as curl
          </button>
          <span className="text-xs text-slate-500">
            {canCopySigned
              ? "Copies a curl command that posts the exact body with every header, the platform's signature in full, so a receiver that checks it accepts the copy. Each copy is recorded in the audit log."
              : "Members, admins and owners of the workspace can copy the signed request; viewers and support sessions cannot."}
          </span>
        </div>
      </form>
      {command.error ? (
        <p role="alert" className="mt-2 text-rose-800">
          {command.error.message}
        </p>
      ) : null}
      {command.data ? (
        <div className="mt-2 space-y-1">
          <p role="status" className="text-xs text-slate-600">
            {copied === false
              ? "The browser refused the clipboard; press Copy to try again (the command shown below has the signature masked)."
              : copied
                ? "Copied, signature included. Shown here with the signature masked:"
                : "Copying…"}
          </p>
          <CopyButton value={command.data.command} label="curl command with the signature" />
          <pre
            className="max-h-80 overflow-auto rounded-lg bg-slate-900 p-3 text-xs whitespace-pre-wrap text-slate-100"
            data-testid="curl-command"
          >
            {command.data.shown}
          </pre>
        </div>
      ) : null}
    </section>
  );
}
