// npm run haproxy:install — finds HAProxy, the load balancer the multi-instance harness and
// `npm run stack:multi` put in front of several `next start` processes; installs Debian's package
// (apt-get, as scripts/e2e.ts does for Chromium) when it is missing and this runs as root.
// Prints the binary's path. HAPROXY_BIN names a binary elsewhere.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { run } from "./lib/run";

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const candidate = `${dir}/${name}`;
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** The HAProxy binary if one is installed (HAPROXY_BIN, PATH, /usr/sbin), else null. */
export function findHaproxy(): string | null {
  if (process.env.HAPROXY_BIN) return existsSync(process.env.HAPROXY_BIN) ? process.env.HAPROXY_BIN : null;
  return onPath("haproxy") ?? (existsSync("/usr/sbin/haproxy") ? "/usr/sbin/haproxy" : null);
}

/** Finds HAProxy, installing Debian's package when missing; throws with what to do otherwise. */
export async function ensureHaproxy(log: (line: string) => void = console.error): Promise<string> {
  const found = findHaproxy();
  if (found) return found;
  if (process.getuid?.() !== 0)
    throw new Error(
      "HAProxy not found. Install Debian's package (sudo apt-get install -y haproxy) or set HAPROXY_BIN.",
    );
  log("[haproxy:install] Installing Debian's haproxy (once)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  // The package's own service is not wanted: the harness runs HAProxy with its own config.
  if (
    (await run("apt-get", ["update", "-qq"], env)) !== 0 ||
    (await run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "haproxy"], env)) !== 0
  )
    throw new Error("apt-get could not install haproxy; install it by hand or set HAPROXY_BIN.");
  const installed = findHaproxy();
  if (!installed) throw new Error("apt-get installed haproxy but no binary was found on PATH or in /usr/sbin.");
  return installed;
}

export function haproxyVersion(binary: string): string {
  return execFileSync(binary, ["-v"], { encoding: "utf8" }).split("\n")[0]!.trim();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const binary = await ensureHaproxy();
  console.error(`[haproxy:install] ${haproxyVersion(binary)}`);
  console.log(binary);
}
