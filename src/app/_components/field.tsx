import { inputClass } from "./ui";

export function Field({
  label,
  name,
  error,
  hint,
  ...input
}: { label: string; name: string; error?: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  // The hint stays visible while typing (a placeholder does not), and beside any error.
  const describedBy =
    [error ? `${name}-error` : null, hint ? `${name}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={name} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={name}
        name={name}
        className={`mt-1 ${inputClass}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {hint ? (
        <p id={`${name}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${name}-error`} className="mt-1 text-sm text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800 ring-1 ring-rose-200">
      {message}
    </p>
  );
}

/**
 * The banner above a form: plain words only. When the server named the fields at fault, those
 * messages sit beside the fields and the banner says where to look; a raw validation dump (a
 * JSON issue list) never reaches the page.
 */
export function formErrorMessage(
  error: {
    message: string;
    data?: { zodError?: { formErrors?: string[]; fieldErrors?: object } | null } | null;
  } | null,
): string | null {
  if (!error) return null;
  const zodError = error.data?.zodError;
  if (zodError) {
    if (zodError.formErrors && zodError.formErrors.length > 0) return zodError.formErrors.join(" ");
    if (zodError.fieldErrors && Object.keys(zodError.fieldErrors).length > 0)
      return "Some fields need attention: see the messages beside them.";
  }
  const message = error.message.trim();
  if (message.startsWith("[") || message.startsWith("{")) return "Something in the form is not valid.";
  return message;
}
