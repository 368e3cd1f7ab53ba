/**
 * The OUTBOUND_ALLOW_LIST format, apart from the network code so src/env.ts can validate it:
 * `host:port` pairs, comma separated, each with an explicit port.
 */

/**
 * `host:port` → the key a URL is compared by (lowercased host, IPv6 in brackets, explicit port),
 * or null when the entry is not a plain host and port.
 */
export function allowListKey(entry: string): string | null {
  let url: URL;
  try {
    url = new URL(`http://${entry.trim()}`);
  } catch {
    return null;
  }
  if (
    !/^([a-z0-9.-]+|\[[0-9a-f:.]+\]):\d+$/i.test(entry.trim()) ||
    url.pathname !== "/" ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  )
    return null;
  return `${url.hostname}:${url.port || "80"}`;
}

export function parseAllowList(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}
