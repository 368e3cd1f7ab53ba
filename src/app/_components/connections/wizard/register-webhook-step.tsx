"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { CopyField } from "@/app/_components/copy-button";
import { buttonClass } from "@/app/_components/ui";
import type { ProviderGuide } from "@/shared/provider-guides";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/types";
import { TestConnectionButton } from "../test-connection-button";

type CreatedConnection = RouterOutputs["connection"]["create"];

function fillIn(step: string, values: { url: string; secret: string }) {
  return step.replaceAll("{url}", values.url).replaceAll("{secret}", values.secret);
}

/** Step 3: the webhook URL and secret (shown once), and what is left to register by hand. */
export function RegisterWebhookStep({
  slug,
  guide,
  created,
}: {
  slug: string;
  guide: ProviderGuide;
  created: CreatedConnection;
}) {
  return (
    <section aria-labelledby="register-heading" className="max-w-3xl space-y-4">
      <h2 id="register-heading" className="text-base font-semibold text-slate-900">
        {created.subscription.state === "subscribed"
          ? "Connection created — Stockhook registered its webhooks"
          : created.subscription.state === "pending"
            ? "Connection created — Stockhook is registering its webhooks"
            : "Connection created — now register its webhook"}
      </h2>
      <SetupSubscriptionNote subscription={created.subscription} />
      <CopyField label="Webhook URL" value={created.webhookUrl} />
      {created.signingSecret ? (
        <div className="space-y-2">
          <CopyField label={guide.signingSecretLabel} value={created.signingSecret} />
          <p role="note" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
            Copy it now: this is the only time Stockhook shows it. Lost it? Rotate it on the connection page.
          </p>
        </div>
      ) : null}
      <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
        {guide.webhookSteps.map((line) => (
          <li key={line}>
            {fillIn(line, {
              url: created.webhookUrl,
              secret: created.signingSecret
                ? `the ${guide.signingSecretLabel.toLowerCase()} above`
                : `your ${guide.signingSecretLabel.toLowerCase()}`,
            })}
          </li>
        ))}
      </ol>
      {created.direction === "CHANNEL" && created.hasApi ? <FirstSync connectionId={created.id} /> : null}
      <div className="flex flex-wrap items-start gap-3">
        {guide.hasApi ? <TestConnectionButton connectionId={created.id} /> : null}
        <Link href={`/t/${slug}/connections/${created.id}`} className={buttonClass}>
          Go to the connection
        </Link>
      </div>
    </section>
  );
}

/** What happened when Stockhook subscribed through the platform's API, and what (if anything) is left to the tenant. */
function SetupSubscriptionNote({ subscription }: { subscription: CreatedConnection["subscription"] }) {
  if (subscription.state === "not_applicable") return null;
  if (subscription.state === "pending")
    return (
      <p role="status" className="text-sm text-slate-700">
        The platform is slow to answer; Stockhook keeps trying and shows the result on the connection page. Nothing to
        do by hand unless it reports a missing scope.
      </p>
    );
  if (subscription.state === "subscribed") {
    return (
      <div
        role="status"
        className="space-y-1 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200"
      >
        <p>
          ✓ Subscribed to {subscription.topics.map((t) => t.topic).join(", ")}. Stock changes at the store now reach
          Stockhook with no further step; Stockhook checks the subscriptions every hour and repairs them if the platform
          drops one.
        </p>
      </div>
    );
  }
  return (
    <p role="alert" className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
      Stockhook could not register the webhooks: {subscription.reason} Register it by hand with the steps below, or
      grant the scope and press “Check now” on the connection page.
    </p>
  );
}

/**
 * A new storefront has no linked items until its first reconcile: offered here so the tenant does
 * not meet "never been synced" on the Overview later.
 */
function FirstSync({ connectionId }: { connectionId: string }) {
  const trpc = useTRPC();
  const resync = useMutation(trpc.connection.resync.mutationOptions());
  return (
    <div className="space-y-2 rounded-lg bg-sky-50 px-3 py-3 text-sm text-sky-900 ring-1 ring-sky-200">
      <p>
        Last step: the first sync links this store&apos;s products to your items by SKU. Until it runs, the store gets
        no stock updates.
      </p>
      <button
        type="button"
        className={buttonClass}
        disabled={resync.isPending || resync.isSuccess}
        onClick={() => resync.mutate({ id: connectionId })}
      >
        {resync.isPending ? "Starting…" : resync.isSuccess ? "First sync started" : "Run first sync"}
      </button>
      <div role="status" aria-live="polite">
        {resync.isSuccess ? <p>✓ The first sync is running; its progress shows on the connection page.</p> : null}
        {resync.error ? <p className="text-rose-800">✗ {resync.error.message}</p> : null}
      </div>
    </div>
  );
}
