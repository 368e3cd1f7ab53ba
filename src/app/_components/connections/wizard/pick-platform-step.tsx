import { PROVIDER_GUIDES, type GuidedProvider } from "@/shared/provider-guides";

const PROVIDERS = Object.keys(PROVIDER_GUIDES) as GuidedProvider[];

/** Step 1: the platform, each with what it is and the roles it can play. */
export function PickPlatformStep({ onPick }: { onPick: (provider: GuidedProvider) => void }) {
  return (
    <fieldset>
      <legend className="text-base font-semibold text-slate-900">Which system are you connecting?</legend>
      <div className="mt-3 grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
        {PROVIDERS.map((key) => (
          <button
            key={key}
            type="button"
            onClick={() => onPick(key)}
            className="rounded-xl border border-slate-200 bg-white p-4 text-left shadow-sm hover:border-brand-500 focus:ring-2 focus:ring-brand-100 focus:outline-none"
          >
            <span className="block font-medium text-slate-900">{PROVIDER_GUIDES[key].label}</span>
            <span className="mt-1 block text-sm text-slate-600">{PROVIDER_GUIDES[key].summary}</span>
            <span className="mt-2 block text-xs text-slate-500">
              {PROVIDER_GUIDES[key].directions.map((d) => (d === "SOURCE" ? "Source" : "Channel")).join(" or ")}
            </span>
          </button>
        ))}
      </div>
    </fieldset>
  );
}
