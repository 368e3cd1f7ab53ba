/** Why a control is disabled, said once above the controls instead of leaving a dead button. */
export function ReadOnlyNotice({ children }: { children: React.ReactNode }) {
  return <p className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-600 ring-1 ring-slate-200">{children}</p>;
}
