"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { enumValue } from "@/app/_components/enum-options";
import { formErrorMessage } from "@/app/_components/field";
import { ConnectionDirection, SyncSchedule } from "@/generated/prisma/enums";
import { PROVIDER_GUIDES, type GuidedProvider } from "@/shared/provider-guides";
import { useTRPC } from "@/trpc/react";
import { DetailsStep } from "./wizard/details-step";
import { PickPlatformStep } from "./wizard/pick-platform-step";
import { RegisterWebhookStep } from "./wizard/register-webhook-step";

type FieldErrors = Record<string, string[] | undefined>;

/**
 * Three steps: pick the platform, fill in its details, then register the webhook it was given.
 * A platform with an API has its credentials checked (its cheapest authenticated call) before
 * anything is created, so a wrong key is caught in the details step, not at the first sync.
 */
export function ConnectionWizard({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const [provider, setProvider] = useState<GuidedProvider | null>(null);
  const check = useMutation(trpc.connection.testCredentials.mutationOptions());
  const create = useMutation(trpc.connection.create.mutationOptions());
  const guide = provider ? PROVIDER_GUIDES[provider] : null;
  const failedError = create.error ?? check.error;
  const fieldErrors = (failedError?.data?.zodError?.fieldErrors ?? {}) as FieldErrors;
  const step = create.data ? 3 : provider ? 2 : 1;

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!provider || !guide) return;
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const input = {
      provider,
      direction: enumValue(ConnectionDirection, text("direction")) ?? guide.directions[0],
      name: text("name"),
      baseUrl: text("baseUrl"),
      syncSchedule: enumValue(SyncSchedule, text("syncSchedule")) ?? "H24",
      credentials: Object.fromEntries(guide.credentials.map((field) => [field.name, text(`credential-${field.name}`)])),
      signingSecret: guide.signing === "platform" ? text("signingSecret") : undefined,
    };
    create.reset();
    check.reset();
    if (guide.hasApi) {
      const checked = await check.mutateAsync(input).catch(() => null);
      if (!checked?.ok) return;
    }
    create.mutate(input);
  }

  return (
    <div className="space-y-6">
      <ol className="flex flex-wrap gap-2 text-sm" aria-label="Steps">
        {["Platform", "Details", "Register the webhook"].map((label, index) => (
          <li
            key={label}
            aria-current={step === index + 1 ? "step" : undefined}
            className={`rounded-full px-3 py-1 ${step === index + 1 ? "bg-brand-600 text-white" : step > index + 1 ? "bg-brand-50 text-brand-700" : "bg-slate-100 text-slate-600"}`}
          >
            {index + 1}. {label}
          </li>
        ))}
      </ol>

      {step === 1 ? <PickPlatformStep onPick={setProvider} /> : null}
      {step === 2 && guide ? (
        <DetailsStep
          guide={guide}
          error={formErrorMessage(failedError)}
          fieldErrors={fieldErrors}
          credentialCheck={check.data ?? null}
          isPending={check.isPending || create.isPending}
          pendingLabel={check.isPending ? "Checking the credentials…" : "Creating…"}
          onSubmit={(event) => void onSubmit(event)}
          onBack={() => {
            setProvider(null);
            create.reset();
            check.reset();
          }}
        />
      ) : null}
      {step === 3 && guide && create.data ? (
        <RegisterWebhookStep slug={slug} guide={guide} created={create.data} />
      ) : null}
    </div>
  );
}
