import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BalancerConfig {
  /** The loopback port HAProxy listens on. */
  port: number;
  /** The app instances' ports on 127.0.0.1, one `server` line each. */
  backends: number[];
  /** HAProxy's statistics page (`/stats`), on its own port; omitted when not given. */
  statsPort?: number;
}

/**
 * haproxy.cfg for N `next start` processes: round robin, a health check on /api/health every
 * second, and `option forwardfor` so the app (TRUSTED_PROXY_HOPS=1) sees each client's address.
 *
 * The check takes 200 and 503 as "up": /api/health answers 503 when the database or the Inngest
 * server is down, which every instance shares, so taking them all out would turn an Inngest outage
 * (during which webhooks are still stored and acknowledged) into a full outage. What the check
 * catches is an instance that does not answer at all (killed, hung, not started yet).
 */
export function haproxyConfig(config: BalancerConfig): string {
  return [
    "global",
    "  maxconn 4096",
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 60s",
    "  timeout server 60s",
    "  option forwardfor",
    "  option http-server-close",
    // A request whose connection is refused (the instance just died) goes to another instance.
    "  retries 2",
    "  option redispatch",
    "frontend stockhook",
    `  bind 127.0.0.1:${config.port}`,
    "  default_backend app",
    "backend app",
    "  balance roundrobin",
    "  option httpchk GET /api/health",
    "  http-check expect rstatus ^(200|503)$",
    // /api/health asks the database and the Inngest server, so under load it can take seconds:
    // a slow answer is not a dead instance. A dead one refuses connections, which `retries` and
    // `redispatch` route around at once, before three failed checks take it out.
    "  timeout check 10s",
    "  default-server inter 2s fall 3 rise 1",
    // Which instance answered, so tests and people can see the requests spread.
    "  http-response set-header x-stockhook-instance %s",
    ...config.backends.map((port, index) => `  server app${index} 127.0.0.1:${port} check`),
    ...(config.statsPort
      ? ["listen stats", `  bind 127.0.0.1:${config.statsPort}`, "  stats enable", "  stats uri /stats"]
      : []),
    "",
  ].join("\n");
}

/** Writes the config to a fresh temporary directory; returns the file's path. */
export function writeHaproxyConfig(config: BalancerConfig): string {
  const file = join(mkdtempSync(join(tmpdir(), "stockhook-haproxy-")), "haproxy.cfg");
  writeFileSync(file, haproxyConfig(config));
  return file;
}

/** HAProxy in the foreground (`-db`), so it dies with its process group. */
export const haproxyArgs = (configFile: string) => ["-f", configFile, "-db"];
