"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field, FormError } from "@/app/_components/field";
import { buttonClass, SaveRow, secondaryButtonClass } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/types";

type Settings = RouterOutputs["notifications"]["settings"];
type TestOutcome = RouterOutputs["notifications"]["sendTest"];

function describeOutcome(outcome: TestOutcome): string[] {
  const email =
    "sentTo" in outcome.email
      ? `Email sent to ${outcome.email.sentTo}.`
      : "skipped" in outcome.email
        ? `Email not sent: ${outcome.email.skipped}.`
        : `Email failed: ${outcome.email.error}.`;
  const slack =
    "sent" in outcome.slack
      ? "Slack message sent."
      : "skipped" in outcome.slack
        ? `Slack not sent: ${outcome.slack.skipped}.`
        : `Slack failed: ${outcome.slack.error}.`;
  return [email, slack];
}

/**
 * Alert notifications: which alerts are sent, by email to owners and admins, and to a Slack-compatible
 * incoming webhook whose URL, once saved, shows only as its host and last four characters.
 */
export function NotificationsPanel({ initial }: { initial: Settings }) {
  const trpc = useTRPC();
  const [settings, setSettings] = useState(initial);
  const [saved, setSaved] = useState(false);
  const [slackUrl, setSlackUrl] = useState("");
  const update = useMutation(
    trpc.notifications.update.mutationOptions({
      onSuccess: (next) => {
        setSettings(next);
        setSaved(true);
      },
    }),
  );
  const setSlack = useMutation(
    trpc.notifications.setSlackUrl.mutationOptions({
      onSuccess: (next) => {
        setSettings(next);
        setSlackUrl("");
      },
    }),
  );
  const removeSlack = useMutation(trpc.notifications.removeSlackUrl.mutationOptions({ onSuccess: setSettings }));
  const sendTest = useMutation(trpc.notifications.sendTest.mutationOptions());
  const slackError = setSlack.error?.data?.zodError?.fieldErrors.url?.[0] ?? setSlack.error?.message;

  function onSavePreferences(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    const form = new FormData(event.currentTarget);
    update.mutate({
      emailEnabled: form.get("emailEnabled") === "on",
      enabledKinds: settings.kinds.filter((k) => form.get(`kind-${k.kind}`) === "on").map((k) => k.kind),
    });
  }

  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">
        The Overview&apos;s alerts, sent once when they open and once when they are resolved (after 5 quiet minutes),
        never every minute.
      </p>
      <form onSubmit={onSavePreferences} className="space-y-4" aria-label="Notification preferences">
        <FormError message={update.error?.message} />
        <fieldset disabled={update.isPending} className="space-y-4">
          <legend className="text-sm font-medium text-slate-700">Send these alerts</legend>
          <div className="space-y-2">
            {settings.kinds.map((k) => (
              <label key={k.kind} className="flex items-start gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  name={`kind-${k.kind}`}
                  defaultChecked={k.enabled}
                  className="mt-0.5 rounded border-slate-300"
                />
                {k.label}
              </label>
            ))}
          </div>
          <label className="flex items-start gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              name="emailEnabled"
              defaultChecked={settings.emailEnabled}
              className="mt-0.5 rounded border-slate-300"
            />
            By email to every owner and admin with a verified address
          </label>
          <SaveRow label="Save notification settings" pending={update.isPending} saved={saved} />
        </fieldset>
      </form>

      <form
        className="space-y-3"
        aria-label="Slack incoming webhook"
        onSubmit={(event) => {
          event.preventDefault();
          setSlack.mutate({ url: slackUrl });
        }}
      >
        <p className="text-sm text-slate-700">
          {settings.slack ? (
            <>
              Slack messages go to <span className="font-mono">{settings.slack.hint}</span>.
            </>
          ) : (
            "No Slack incoming webhook is set."
          )}
        </p>
        <fieldset disabled={setSlack.isPending || removeSlack.isPending} className="space-y-3">
          <Field
            label={settings.slack ? "Replace the Slack incoming-webhook URL" : "Slack incoming-webhook URL"}
            name="slackUrl"
            type="url"
            value={slackUrl}
            onChange={(e) => setSlackUrl(e.target.value)}
            placeholder="https://hooks.slack.com/services/…"
            autoComplete="off"
            error={slackError}
            hint="Any Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat). Stored encrypted; only its host and last four characters are shown."
          />
          <div className="flex flex-wrap gap-3">
            <button type="submit" className={buttonClass} disabled={!slackUrl.trim()}>
              {setSlack.isPending ? "Saving…" : settings.slack ? "Replace URL" : "Save URL"}
            </button>
            {settings.slack ? (
              <button type="button" className={secondaryButtonClass} onClick={() => removeSlack.mutate()}>
                Remove Slack
              </button>
            ) : null}
          </div>
          <FormError message={removeSlack.error?.message} />
        </fieldset>
      </form>

      <div className="space-y-2">
        <button
          type="button"
          className={secondaryButtonClass}
          disabled={sendTest.isPending}
          onClick={() => sendTest.mutate()}
        >
          {sendTest.isPending ? "Sending…" : "Send a test notification"}
        </button>
        <FormError message={sendTest.error?.message} />
        {sendTest.data ? (
          <ul role="status" aria-label="Test notification result" className="space-y-1 text-sm text-slate-700">
            {describeOutcome(sendTest.data).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
