import Link from "next/link";

/**
 * A figure with its label. With `href` the whole card is one link (the value is the link; its
 * hit area stretches over the card), e.g. to the Events page filtered to what the figure counts.
 */
export function Stat({
  label,
  value,
  hint,
  href,
}: {
  label: string;
  value: React.ReactNode;
  hint?: string;
  href?: string;
}) {
  return (
    <div
      className={[
        "relative rounded-xl border border-slate-200 bg-white p-4 shadow-sm",
        href ? "hover:border-brand-500" : "",
      ].join(" ")}
    >
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-slate-900">
        {href ? (
          <Link href={href} className="after:absolute after:inset-0 after:rounded-xl hover:text-brand-700">
            {value}
            <span className="sr-only"> — open {label.toLowerCase()}</span>
          </Link>
        ) : (
          value
        )}
      </dd>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}
