import { buttonClass } from "./classes";

/** A settings form's submit button, which says when it is saving, and the "Saved" note after it. */
export function SaveRow({ label, pending, saved }: { label: string; pending: boolean; saved: boolean }) {
  return (
    <div className="flex items-center gap-3">
      <button type="submit" className={buttonClass}>
        {pending ? "Saving…" : label}
      </button>
      {saved ? (
        <span role="status" className="text-sm text-emerald-700">
          Saved
        </span>
      ) : null}
    </div>
  );
}
