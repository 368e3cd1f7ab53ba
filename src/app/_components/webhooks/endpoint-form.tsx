"use client";

import { Field, FormError } from "@/app/_components/field";
import { buttonClass } from "@/app/_components/ui";

export interface EventTypeOption {
  type: string;
  description: string;
  /** An example of the JSON a receiver gets, pretty-printed. */
  sample?: string;
}

export interface EndpointValues {
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
}

type EventType = "inventory.updated" | "item.sold" | "product.synced" | "sync.failed" | "sync.completed";

/** URL, description, the events to send and the on/off switch: the same form creates and edits. */
export function EndpointForm({
  initial,
  eventTypes,
  disabled,
  pending,
  error,
  fieldErrors,
  submitLabel,
  onSubmit,
}: {
  initial?: EndpointValues;
  eventTypes: EventTypeOption[];
  disabled: boolean;
  pending: boolean;
  error?: string | null;
  fieldErrors: Record<string, string[] | undefined>;
  submitLabel: string;
  onSubmit: (values: EndpointValues & { eventTypes: EventType[] }) => void;
}) {
  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onSubmit({
      url: String(form.get("url") ?? ""),
      description: String(form.get("description") ?? ""),
      eventTypes: form.getAll("eventTypes").map(String) as EventType[],
      enabled: form.get("enabled") === "on",
    });
  }
  return (
    <form onSubmit={submit} className="space-y-4">
      <FormError message={error} />
      <fieldset disabled={disabled || pending} className="space-y-4">
        <Field
          label="Endpoint URL"
          name="url"
          type="url"
          placeholder="https://example.com/stockhook"
          defaultValue={initial?.url}
          error={fieldErrors.url?.[0]}
          hint="https:// and a public address; Stockhook refuses private and internal addresses."
          required
        />
        <Field
          label="Description"
          name="description"
          defaultValue={initial?.description}
          error={fieldErrors.description?.[0]}
          placeholder="What receives these events"
        />
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Events to send</legend>
          <div className="mt-2 space-y-2">
            {eventTypes.map((option) => (
              <div key={option.type}>
                <label className="flex items-start gap-2 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    name="eventTypes"
                    value={option.type}
                    defaultChecked={initial ? initial.eventTypes.includes(option.type) : true}
                    className="mt-1"
                  />
                  <span>
                    <code className="font-mono text-xs text-slate-900">{option.type}</code>
                    <span className="block text-xs text-slate-500">{option.description}</span>
                  </span>
                </label>
                {option.sample ? (
                  <details className="mt-1 ml-6 text-xs" data-testid={`sample-${option.type}`}>
                    <summary className="cursor-pointer text-brand-700">
                      Sample payload<span className="sr-only"> of {option.type}</span>
                    </summary>
                    <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2 font-mono break-all whitespace-pre-wrap text-slate-800">
                      {option.sample}
                    </pre>
                  </details>
                ) : null}
              </div>
            ))}
          </div>
          {fieldErrors.eventTypes?.[0] ? (
            <p className="mt-1 text-sm text-rose-700">{fieldErrors.eventTypes[0]}</p>
          ) : null}
        </fieldset>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="enabled" defaultChecked={initial?.enabled ?? true} />
          Enabled (when off, no events are sent to it)
        </label>
        <button type="submit" className={buttonClass}>
          {pending ? "Saving…" : submitLabel}
        </button>
      </fieldset>
    </form>
  );
}
