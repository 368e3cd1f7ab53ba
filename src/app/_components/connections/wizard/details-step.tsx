import { Field, FormError } from "@/app/_components/field";
import { buttonClass, inputClass, secondaryButtonClass } from "@/app/_components/ui";
import { SCHEDULE_LABELS, type ProviderGuide } from "@/shared/provider-guides";
import { TEST_FAILURE_REASONS } from "../test-connection-button";

type CredentialCheck = { ok: true; detail: string; latencyMs: number } | { ok: false; reason: string; message: string };

/** Step 2: the connection's name, role, address, API credentials and reconcile schedule. */
export function DetailsStep({
  guide,
  error,
  fieldErrors,
  credentialCheck,
  isPending,
  pendingLabel,
  onSubmit,
  onBack,
}: {
  guide: ProviderGuide;
  error: string | null;
  fieldErrors: Record<string, string[] | undefined>;
  /** The answer of the platform's check of the credentials, once asked. */
  credentialCheck: CredentialCheck | null;
  isPending: boolean;
  pendingLabel: string;
  onSubmit: (event: React.FormEvent<HTMLFormElement>) => void;
  onBack: () => void;
}) {
  return (
    <form method="post" onSubmit={onSubmit} className="max-w-2xl space-y-4" noValidate>
      <h2 className="text-base font-semibold text-slate-900">{guide.label}</h2>
      <FormError message={error} />
      <Field
        label="Name"
        name="name"
        required
        placeholder={`e.g. ${guide.label.split(" ")[0]} main`}
        hint="How this connection appears on the Events and Overview pages"
        error={fieldErrors.name?.[0]}
      />
      {guide.directions.length > 1 ? (
        <fieldset>
          <legend className="block text-sm font-medium text-slate-700">Role</legend>
          <div className="mt-1 flex flex-wrap gap-4 text-sm">
            {guide.directions.map((direction, index) => (
              <label key={direction} className="flex items-center gap-2">
                <input type="radio" name="direction" value={direction} defaultChecked={index === 0} />
                {direction === "CHANNEL"
                  ? "Channel — a storefront Stockhook keeps up to date"
                  : "Source — where stock really changes"}
              </label>
            ))}
          </div>
        </fieldset>
      ) : (
        <input type="hidden" name="direction" value={guide.directions[0]} />
      )}
      <Field
        label={guide.baseUrlLabel}
        name="baseUrl"
        type="url"
        required
        placeholder={guide.baseUrlPlaceholder}
        hint={`The full address, e.g. ${guide.baseUrlPlaceholder}`}
        error={fieldErrors.baseUrl?.[0]}
      />
      {guide.credentials.map((field) => (
        <Field
          key={field.name}
          label={`${field.label}${field.optional ? " (optional)" : ""}`}
          required={!field.optional}
          name={`credential-${field.name}`}
          type={field.secret ? "password" : field.numeric ? "number" : "text"}
          autoComplete="off"
          placeholder={field.placeholder}
          hint={field.help}
          error={fieldErrors[field.name]?.[0]}
        />
      ))}
      {guide.signing === "platform" ? (
        <Field
          label={guide.signingSecretLabel}
          name="signingSecret"
          type="password"
          autoComplete="off"
          required
          hint="Stockhook verifies every webhook with it"
          error={fieldErrors.signingSecret?.[0]}
        />
      ) : null}
      {credentialCheck ? (
        <div role="status" aria-live="polite" data-testid="credential-check" className="text-sm">
          {credentialCheck.ok ? (
            <p className="text-emerald-800">✓ {credentialCheck.detail}</p>
          ) : (
            <p className="rounded-lg bg-rose-50 px-3 py-2 text-rose-800 ring-1 ring-rose-200">
              ✗ {TEST_FAILURE_REASONS[credentialCheck.reason] ?? "The check failed"}: {credentialCheck.message} Nothing
              was created; correct the details above and try again.
            </p>
          )}
        </div>
      ) : null}
      {guide.hasApi ? (
        <div>
          <label htmlFor="syncSchedule" className="block text-sm font-medium text-slate-700">
            Reconcile (the safety net for missed webhooks)
          </label>
          <select id="syncSchedule" name="syncSchedule" defaultValue="H24" className={`mt-1 ${inputClass}`}>
            {Object.entries(SCHEDULE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="flex gap-3">
        <button type="submit" className={buttonClass} disabled={isPending}>
          {isPending ? pendingLabel : guide.hasApi ? "Check and create connection" : "Create connection"}
        </button>
        <button type="button" className={secondaryButtonClass} onClick={onBack}>
          Back
        </button>
      </div>
    </form>
  );
}
