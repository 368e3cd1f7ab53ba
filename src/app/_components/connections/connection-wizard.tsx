"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { CopyField } from "@/app/_components/copy-button";
import { Field, FormError } from "@/app/_components/field";
import { buttonClass, inputClass, secondaryButtonClass } from "@/app/_components/ui";
import { PROVIDER_GUIDES, SCHEDULE_LABELS, type Direction, type GuidedProvider } from "@/shared/provider-guides";
import { useTRPC } from "@/trpc/react";
import { TestConnectionButton } from "./test-connection-button";

const PROVIDERS = Object.keys(PROVIDER_GUIDES) as GuidedProvider[];

function fillIn(step: string, values: { url: string; secret: string }) {
  return step.replaceAll("{url}", values.url).replaceAll("{secret}", values.secret);
}

/** Three steps: pick the platform, fill in its details, then register the webhook it was given. */
export function ConnectionWizard({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const [provider, setProvider] = useState<GuidedProvider | null>(null);
  const create = useMutation(trpc.connection.create.mutationOptions());
  const guide = provider ? PROVIDER_GUIDES[provider] : null;
  const fieldErrors = (create.error?.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;
  const step = create.data ? 3 : provider ? 2 : 1;

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!provider || !guide) return;
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    create.mutate({
      provider,
      direction: (text("direction") || guide.directions[0]) as Direction,
      name: text("name"),
      baseUrl: text("baseUrl"),
      syncSchedule: (text("syncSchedule") || "H24") as "H24",
      credentials: Object.fromEntries(guide.credentials.map((field) => [field.name, text(`credential-${field.name}`)])),
      signingSecret: guide.signing === "platform" ? text("signingSecret") : undefined,
    });
  }

  return (
    <div className="space-y-6">
      <ol className="flex flex-wrap gap-2 text-sm" aria-label="Steps">
        {["Platform", "Details", "Register the webhook"].map((label, index) => (
          <li key={label} aria-current={step === index + 1 ? "step" : undefined} className={`rounded-full px-3 py-1 ${step === index + 1 ? "bg-brand-600 text-white" : step > index + 1 ? "bg-brand-50 text-brand-700" : "bg-slate-100 text-slate-600"}`}>
            {index + 1}. {label}
          </li>
        ))}
      </ol>

      {step === 1 ? (
        <fieldset>
          <legend className="text-base font-semibold text-slate-900">Which system are you connecting?</legend>
          <div className="mt-3 grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
            {PROVIDERS.map((key) => (
              <button key={key} type="button" onClick={() => setProvider(key)} className="rounded-xl border border-slate-200 bg-white p-4 text-left shadow-sm hover:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none">
                <span className="block font-medium text-slate-900">{PROVIDER_GUIDES[key].label}</span>
                <span className="mt-1 block text-sm text-slate-600">{PROVIDER_GUIDES[key].summary}</span>
                <span className="mt-2 block text-xs text-slate-500">{PROVIDER_GUIDES[key].directions.map((d) => (d === "SOURCE" ? "Source" : "Channel")).join(" or ")}</span>
              </button>
            ))}
          </div>
        </fieldset>
      ) : null}

      {step === 2 && guide && provider ? (
        <form method="post" onSubmit={onSubmit} className="max-w-2xl space-y-4" noValidate>
          <h2 className="text-base font-semibold text-slate-900">{guide.label}</h2>
          <FormError message={create.error ? create.error.message : null} />
          <Field label="Name" name="name" required placeholder={`e.g. ${guide.label.split(" ")[0]} main`} error={fieldErrors.name?.[0]} />
          {guide.directions.length > 1 ? (
            <fieldset>
              <legend className="block text-sm font-medium text-slate-700">Role</legend>
              <div className="mt-1 flex flex-wrap gap-4 text-sm">
                {guide.directions.map((direction, index) => (
                  <label key={direction} className="flex items-center gap-2">
                    <input type="radio" name="direction" value={direction} defaultChecked={index === 0} />
                    {direction === "CHANNEL" ? "Channel — a storefront Stockhook keeps up to date" : "Source — where stock really changes"}
                  </label>
                ))}
              </div>
            </fieldset>
          ) : (
            <input type="hidden" name="direction" value={guide.directions[0]} />
          )}
          <Field label={guide.baseUrlLabel} name="baseUrl" type="url" required placeholder={guide.baseUrlPlaceholder} error={fieldErrors.baseUrl?.[0]} />
          {guide.credentials.map((field) => (
            <Field
              key={field.name}
              label={`${field.label}${field.optional ? " (optional)" : ""}`}
              name={`credential-${field.name}`}
              type={field.secret ? "password" : field.numeric ? "number" : "text"}
              autoComplete="off"
              placeholder={field.placeholder}
              hint={field.help}
              error={fieldErrors[field.name]?.[0]}
            />
          ))}
          {guide.signing === "platform" ? (
            <Field label={guide.signingSecretLabel} name="signingSecret" type="password" autoComplete="off" required hint="Stockhook verifies every webhook with it" error={fieldErrors.signingSecret?.[0]} />
          ) : null}
          {guide.hasApi ? (
            <div>
              <label htmlFor="syncSchedule" className="block text-sm font-medium text-slate-700">Reconcile (the safety net for missed webhooks)</label>
              <select id="syncSchedule" name="syncSchedule" defaultValue="H24" className={`mt-1 ${inputClass}`}>
                {Object.entries(SCHEDULE_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>{label}</option>
                ))}
              </select>
            </div>
          ) : null}
          <div className="flex gap-3">
            <button type="submit" className={buttonClass} disabled={create.isPending}>{create.isPending ? "Creating…" : "Create connection"}</button>
            <button type="button" className={secondaryButtonClass} onClick={() => { setProvider(null); create.reset(); }}>Back</button>
          </div>
        </form>
      ) : null}

      {step === 3 && guide && create.data ? (
        <section aria-labelledby="register-heading" className="max-w-3xl space-y-4">
          <h2 id="register-heading" className="text-base font-semibold text-slate-900">
            {create.data.subscription.state === "subscribed" ? "Connection created — Stockhook registered its webhooks" : create.data.subscription.state === "pending" ? "Connection created — Stockhook is registering its webhooks" : "Connection created — now register its webhook"}
          </h2>
          <SetupSubscriptionNote subscription={create.data.subscription} />
          <CopyField label="Webhook URL" value={create.data.webhookUrl} />
          {create.data.signingSecret ? (
            <div className="space-y-2">
              <CopyField label={guide.signingSecretLabel} value={create.data.signingSecret} />
              <p role="note" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
                Copy it now: this is the only time Stockhook shows it. Lost it? Rotate it on the connection page.
              </p>
            </div>
          ) : null}
          <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
            {guide.webhookSteps.map((line) => (
              <li key={line}>{fillIn(line, { url: create.data.webhookUrl, secret: create.data.signingSecret ? `the ${guide.signingSecretLabel.toLowerCase()} above` : `your ${guide.signingSecretLabel.toLowerCase()}` })}</li>
            ))}
          </ol>
          <div className="flex flex-wrap items-start gap-3">
            {guide.hasApi ? <TestConnectionButton connectionId={create.data.id} /> : null}
            <Link href={`/t/${slug}/connections/${create.data.id}`} className={buttonClass}>Go to the connection</Link>
          </div>
        </section>
      ) : null}
    </div>
  );
}

type SetupSubscription = { state: "not_applicable" } | { state: "pending" } | { state: "subscribed" | "failed"; topics: { topic: string; action: string; externalId?: string }[]; reason?: string };

/** What happened when Stockhook subscribed through the platform's API, and what (if anything) is left to the tenant. */
function SetupSubscriptionNote({ subscription }: { subscription: SetupSubscription }) {
  if (subscription.state === "not_applicable") return null;
  if (subscription.state === "pending") return <p role="status" className="text-sm text-slate-700">The platform is slow to answer; Stockhook keeps trying and shows the result on the connection page. Nothing to do by hand unless it reports a missing scope.</p>;
  if (subscription.state === "subscribed") {
    return (
      <div role="status" className="space-y-1 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200">
        <p>✓ Subscribed to {subscription.topics.map((t) => t.topic).join(", ")}. Stock changes at the store now reach Stockhook with no further step; Stockhook checks the subscriptions every hour and repairs them if the platform drops one.</p>
      </div>
    );
  }
  return (
    <p role="alert" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
      Stockhook could not register the webhooks: {subscription.reason} Register it by hand with the steps below, or grant the scope and press “Check now” on the connection page.
    </p>
  );
}
