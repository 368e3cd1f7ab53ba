import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STORED_DELIVERY_HEADER } from "../../src/server/inbound/stored-delivery-header";

export interface BalancerConfig {
  /** The loopback port HAProxy listens on. */
  port: number;
  /** The app instances' ports on 127.0.0.1, one `server` line each. */
  backends: number[];
  /**
   * Worker instances' ports: when given, requests for /api/inngest (the Inngest server calling
   * the functions) go to these and everything else to `backends`, so a burst's batches never run
   * on the event loop that acknowledges webhooks (docs/operations.md#web-and-worker-instances).
   */
  workers?: number[];
  /** HAProxy's statistics page (`/stats`), on its own port; omitted when not given. */
  statsPort?: number;
  /**
   * The window over which a tenant's stored deliveries are counted (default BUSY_WINDOW_SECONDS);
   * busy means more than BUSY_TENANT_PER_SECOND times this many in it.
   */
  busyWindowSeconds?: number;
}

/**
 * Requests one app instance works on at once (the rest wait in HAProxy's queue, in priority
 * order): the size of an instance's main database pool, beyond which a request would only wait
 * for a connection inside the instance, where nothing can let a quiet tenant's request go first.
 */
export const REQUESTS_PER_INSTANCE = 10;
/**
 * A tenant whose deliveries the app stores faster than this (over BUSY_WINDOW_SECONDS) is busy:
 * the app's own threshold, WEBHOOK_BATCH_THRESHOLD_PER_SECOND's default.
 */
export const BUSY_TENANT_PER_SECOND = 2;
/** …counted over this many seconds, as the app's TenantLanes does. */
export const BUSY_WINDOW_SECONDS = 5;

/**
 * haproxy.cfg for N `next start` processes: round robin, a health check on /api/health every
 * second, and `option forwardfor` so the app (TRUSTED_PROXY_HOPS=1) sees each client's address;
 * at most REQUESTS_PER_INSTANCE requests at once per instance, a busy tenant's waiting behind the
 * rest; and, with `workers`, the Inngest server's calls on instances of their own.
 *
 * The check takes 200 and 503 as "up": /api/health answers 503 when the database or the Inngest
 * server is down, which every instance shares, so taking them all out would turn an Inngest outage
 * (during which webhooks are still stored and acknowledged) into a full outage. What the check
 * catches is an instance that does not answer at all (killed, hung, not started yet).
 */
export function haproxyConfig(config: BalancerConfig): string {
  const workers = config.workers ?? [];
  const window = config.busyWindowSeconds ?? BUSY_WINDOW_SECONDS;
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
    // Each tenant's webhook rate, keyed by the slug in /api/webhooks/<tenant>/<connection>. A busy
    // tenant's requests queue behind everyone else's (class 1 after class 0) when the instances
    // are at REQUESTS_PER_INSTANCE, so a quiet tenant's sale and the dashboard are not answered
    // after a burst's backlog (docs/operations.md#a-quiet-tenant-at-the-door). Only deliveries the
    // app stored count (its answer carries STORED_DELIVERY_HEADER), so a flood of forged requests
    // under a tenant's URL, all refused, cannot make that tenant busy.
    `  stick-table type string len 64 size 100k expire ${Math.max(30, 2 * window)}s store gpc0_rate(${window}s)`,
    "  http-request track-sc0 path,field(4,/) if { path_beg /api/webhooks/ }",
    `  http-request set-priority-class int(1) if { sc0_gpc0_rate gt ${BUSY_TENANT_PER_SECOND * window} }`,
    `  http-response sc-inc-gpc0(0) if { res.hdr(${STORED_DELIVERY_HEADER}) -m found }`,
    `  http-response del-header ${STORED_DELIVERY_HEADER}`,
    ...(workers.length ? ["  use_backend worker if { path_beg /api/inngest }"] : []),
    "  default_backend app",
    ...backend("app", config.backends, REQUESTS_PER_INSTANCE),
    // The Inngest server limits its own calls (its concurrency settings): no queue here.
    ...(workers.length ? backend("worker", workers) : []),
    ...(config.statsPort
      ? ["listen stats", `  bind 127.0.0.1:${config.statsPort}`, "  stats enable", "  stats uri /stats"]
      : []),
    "",
  ].join("\n");
}

/** A backend whose servers are named after it: app0, app1, … or worker0, …, as the harness names the processes. */
function backend(name: string, ports: number[], maxconn?: number): string[] {
  return [
    `backend ${name}`,
    // A request waits at most this long for an instance; then 503, which platforms retry.
    ...(maxconn ? ["  timeout queue 30s"] : []),
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
    ...ports.map(
      (port, index) => `  server ${name}${index} 127.0.0.1:${port} check${maxconn ? ` maxconn ${maxconn}` : ""}`,
    ),
  ];
}

/** Writes the config to a fresh temporary directory; returns the file's path. */
export function writeHaproxyConfig(config: BalancerConfig): string {
  const file = join(mkdtempSync(join(tmpdir(), "stockhook-haproxy-")), "haproxy.cfg");
  writeFileSync(file, haproxyConfig(config));
  return file;
}

/** HAProxy in the foreground (`-db`), so it dies with its process group. */
export const haproxyArgs = (configFile: string) => ["-f", configFile, "-db"];
