/**
 * Where to go after signing in: a path on this site, never another origin. Anything else —
 * `//evil.example`, `/\evil.example`, `https://evil.example`, `javascript:`, paths hiding tabs or
 * newlines that browsers strip — falls back to `fallback`. Pure, so the sign-in form (browser),
 * the auth callbacks and the mailed links share it.
 */
const PROBE_ORIGIN = "http://stockhook.invalid";

export function safeCallbackPath(raw: unknown, fallback = "/"): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2000) return fallback;
  // A path, and not a protocol-relative or backslash-relative one (browsers read `\` as `/`).
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.includes("\\")) return fallback;
  // Control characters and spaces are dropped by URL parsers, turning `/\t/evil` into `//evil`.
  if (/[\u0000-\u0020\u007f]/.test(raw)) return fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (parsed.origin !== PROBE_ORIGIN) return fallback;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
