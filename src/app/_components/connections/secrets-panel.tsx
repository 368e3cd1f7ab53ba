"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { CopyField } from "@/app/_components/copy-button";
import { FormError } from "@/app/_components/field";
import { formatDateTime, formatRelative } from "@/app/_components/format";
import { GracePeriodSelect } from "@/app/_components/grace-period-select";
import {
  ConfirmButton,
  DataTable,
  inputClass,
  secondaryButtonClass,
  StatusBadge,
  type Tone,
} from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/types";

export type SecretRow = RouterOutputs["connection"]["byId"]["secrets"][number];

function secretState(secret: SecretRow, now: number): { status: string; tone: Tone; until?: string } {
  if (secret.revokedAt) return { status: "Revoked", tone: "gray" };
  if (secret.expiresAt && secret.expiresAt.getTime() <= now) return { status: "Expired", tone: "gray" };
  if (secret.expiresAt) return { status: "Grace period", tone: "amber", until: formatDateTime(secret.expiresAt) };
  return { status: "Active", tone: "green" };
}

/**
 * Metadata only: created, last used, key id and the last four characters. A new plaintext is shown
 * once, right after the rotation that created it; after that nobody can read it back.
 */
export function SecretsPanel({
  connectionId,
  secrets,
  canManage,
  platformOwned,
  signingLabel,
}: {
  connectionId: string;
  secrets: SecretRow[];
  canManage: boolean;
  platformOwned: boolean;
  signingLabel: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [graceHours, setGraceHours] = useState(24);
  const [pasted, setPasted] = useState("");
  const refresh = () => {
    router.refresh();
    void queryClient.invalidateQueries({ queryKey: trpc.connection.byId.queryKey({ id: connectionId }) });
  };
  const rotate = useMutation(trpc.secret.rotate.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.secret.revoke.mutationOptions({ onSuccess: refresh }));
  const [now] = useState(() => Date.now());

  return (
    <div className="space-y-4">
      <DataTable cards={{ first: 5 }} columns={["Secret", "Ends in", "Key id", "Created", "Last used", "State", ""]}>
        {secrets.map((secret) => {
          const state = secretState(secret, now);
          const usable = state.status === "Active" || state.status === "Grace period";
          return (
            <tr key={secret.id} data-testid="secret-row">
              <td className="px-4 py-3 text-slate-900">{secret.label}</td>
              <td className="px-4 py-3 font-mono">…{secret.last4}</td>
              <td className="px-4 py-3 font-mono text-xs">{secret.keyId}</td>
              <td className="px-4 py-3">{formatDateTime(secret.createdAt)}</td>
              <td className="px-4 py-3">
                {secret.lastUsedAt ? (
                  <time dateTime={secret.lastUsedAt.toISOString()} title={formatDateTime(secret.lastUsedAt)}>
                    {formatRelative(secret.lastUsedAt)}
                  </time>
                ) : (
                  "never"
                )}
              </td>
              <td className="px-4 py-3">
                <StatusBadge status={state.status} tone={state.tone} />
                {state.until ? (
                  <span className="mt-1 block text-xs text-slate-600">verifies until {state.until}</span>
                ) : null}
              </td>
              <td className="px-4 py-3 text-right">
                {usable && canManage ? (
                  <ConfirmButton
                    className="text-sm font-medium text-rose-700 hover:text-rose-900 disabled:opacity-50"
                    disabled={revoke.isPending}
                    title={`Revoke the secret ending …${secret.last4}?`}
                    consequences={
                      <p>
                        It stops working at once: every delivery signed with it is rejected from now on, and a revoked
                        secret cannot be restored. Make sure the platform already uses the newer secret.
                      </p>
                    }
                    confirmLabel="Revoke secret"
                    onConfirm={() => revoke.mutate({ id: secret.id })}
                  >
                    Revoke<span className="sr-only"> secret ending {secret.last4}</span>
                  </ConfirmButton>
                ) : null}
              </td>
            </tr>
          );
        })}
      </DataTable>
      <FormError message={revoke.error?.message ?? rotate.error?.message} />
      {canManage ? (
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(event) => {
            event.preventDefault();
            rotate.mutate({ connectionId, graceHours, plaintext: platformOwned ? pasted : undefined });
          }}
        >
          {platformOwned ? (
            <div className="min-w-64 flex-1">
              <label htmlFor="new-secret" className="block text-sm font-medium text-slate-700">
                New {signingLabel.toLowerCase()}
              </label>
              <input
                id="new-secret"
                type="password"
                autoComplete="off"
                value={pasted}
                onChange={(e) => setPasted(e.target.value)}
                className={`mt-1 ${inputClass}`}
              />
            </div>
          ) : null}
          <GracePeriodSelect
            id="grace"
            label="Old secret keeps working for"
            noneLabel="No grace (revoke now)"
            value={graceHours}
            onChange={setGraceHours}
          />
          <button type="submit" className={secondaryButtonClass} disabled={rotate.isPending}>
            {rotate.isPending ? "Rotating…" : `Rotate ${signingLabel.toLowerCase()}`}
          </button>
        </form>
      ) : null}
      {rotate.data?.plaintext ? (
        <div className="space-y-2" data-testid="new-secret">
          <CopyField label={`New ${signingLabel}`} value={rotate.data.plaintext} />
          <p role="note" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
            Copy it now and paste it into the platform: it will not be shown again. The previous secret keeps verifying
            until {formatDateTime(rotate.data.previousValidUntil)}.
          </p>
        </div>
      ) : null}
    </div>
  );
}
