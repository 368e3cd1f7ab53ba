import "server-only";
import { z } from "zod";
import { poolSizeOf } from "@/server/database-url";
import { allowListKey, parseAllowList } from "@/server/network/allow-list";

/**
 * Every environment variable the app reads, validated once at start-up. A bad value stops the
 * process with one line per problem instead of failing later in a request.
 */
const optionalUrl = z.url().optional();
const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const settings = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** PostgreSQL connection string. Unset: the embedded PGlite database under DATA_DIR. */
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .superRefine((url, ctx) => {
        try {
          poolSizeOf(url);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: (error as Error).message });
        }
      })
      .optional(),
  ),
  /** Where the embedded database and local development keys live. */
  DATA_DIR: z.string().min(1).default(".data"),
  /** Signs session tokens. `npm run dev` generates a local one when unset. */
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)"),
  /**
   * Keys that encrypt secrets at rest: `keyId:base64Key[,keyId:base64Key…]`, each key 32 bytes.
   * The first key encrypts; all of them decrypt, so keys can rotate.
   */
  STOCKHOOK_ENCRYPTION_KEYS: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+(,[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+)*$/,
      "must look like keyId:base64Key[,keyId:base64Key…]",
    ),
  /** Public base URL of this app; used for webhook URLs shown to tenants. */
  APP_URL: z.url().default("http://localhost:3000"),
  AUTH_GITHUB_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  AUTH_GITHUB_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  AUTH_GOOGLE_ID: z.preprocess(emptyAsUndefined, z.string().optional()),
  AUTH_GOOGLE_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Deliveries per second one connection may send before getting 429 (bursts of five seconds' worth). */
  WEBHOOK_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Deliveries per second above which one tenant's deliveries are applied in batches (apply-webhook-batch). */
  WEBHOOK_BATCH_THRESHOLD_PER_SECOND: z.coerce.number().min(0.1).max(100_000).default(2),
  /**
   * A quiet tenant's deliveries this instance applies and pushes itself as they arrive, at once,
   * before their Inngest run (docs/pipeline.md#applied-on-arrival); 0 leaves every delivery to Inngest.
   */
  WEBHOOK_ARRIVAL_ATTEMPTS: z.coerce.number().int().min(0).max(100).default(3),
  /** Webhook requests per second from one source address, checked before any database work (bursts of twice that). */
  WEBHOOK_RATE_LIMIT_PER_SOURCE_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(500),
  /** Refused (401/408/413/415) webhook requests per minute one address may send to one connection before 429. */
  WEBHOOK_REFUSALS_PER_SOURCE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  /** Proxies in front of the app that append the client address to X-Forwarded-For; 0 = trust none. */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(1),
  /** Total time a webhook body may take to arrive before 408. */
  WEBHOOK_BODY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /** How long a storefront's circuit breaker stays open after repeated push failures. */
  STOCKHOOK_CIRCUIT_OPEN_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /**
   * How long an event may be PROCESSING (a push waiting past its due time) before the sweeper asks
   * Inngest whether its run is still alive, and re-sends it if the run is gone, failed or cancelled.
   */
  STOCKHOOK_ORPHANED_AFTER_MS: z.coerce.number().int().min(1_000).max(1_800_000).default(60_000),
  /**
   * `host:port[,host:port…]` that connectors and outbound webhooks may call although they are
   * not public, over http:// too: the simulators and test receivers on loopback. Refused in production.
   */
  OUTBOUND_ALLOW_LIST: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine(
        (raw) => parseAllowList(raw).every((entry) => allowListKey(entry) !== null),
        "must be host:port pairs, comma separated (e.g. 127.0.0.1:4010,localhost:4010)",
      )
      .optional(),
  ),
  /** Seconds between a storefront push's attempts, comma separated (default 10,30,60,120,300,600). */
  STOCKHOOK_PUSH_RETRY_DELAYS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d+(,\d+)*$/, "must be whole seconds, comma separated")
      .optional(),
  ),
  /** Seconds before each of a failed reconcile page's three retries, comma separated (default 10,60,300). */
  STOCKHOOK_RECONCILE_RETRY_DELAYS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d+,\d+,\d+$/, "must be three whole numbers of seconds, comma separated")
      .optional(),
  ),
  /** Seconds between outbound delivery attempts, comma separated (default 5,300,1800,7200,18000,36000,36000). */
  OUTBOUND_WEBHOOKS_RETRY_DELAYS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d+(,\d+)*$/, "must be whole seconds, comma separated")
      .optional(),
  ),
  /** Bearer token that unlocks /api/health's details (errors, latencies, Inngest URL); unset, only up/down is answered. */
  HEALTH_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  /** Bearer token that Prometheus sends to GET /api/metrics; unset, the endpoint answers 404. */
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  /** Where mail goes out: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465. Required in production. */
  SMTP_URL: z.preprocess(
    emptyAsUndefined,
    z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
  ),
  /** The sender of account mail, `address` or `Name <address>`. Default: Stockhook <no-reply@APP_URL's host>. */
  MAIL_FROM: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, "must be an address or Name <address>")
      .optional(),
  ),
  INNGEST_DEV: z.preprocess(emptyAsUndefined, z.string().optional()),
  INNGEST_BASE_URL: z.preprocess(emptyAsUndefined, optionalUrl),
  INNGEST_EVENT_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  INNGEST_SIGNING_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Where a person opens one Inngest run, with `{runId}` in it (e.g. Inngest Cloud's run page). */
  INNGEST_RUN_URL: z.preprocess(
    emptyAsUndefined,
    z.string().includes("{runId}", { message: "must contain {runId}" }).optional(),
  ),
  /** Least severe log level written: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Set by `npm run dev`: log lines as readable text instead of JSON. */
  LOG_PRETTY: z.preprocess(emptyAsUndefined, z.enum(["0", "1"]).optional()),
  /** Where the local platform simulators listen (demo connections point there). Default http://127.0.0.1:SIM_PORT. */
  SIM_URL: z.preprocess(emptyAsUndefined, optionalUrl),
  /** The simulators' port when SIM_URL is unset. */
  SIM_PORT: z.coerce.number().int().min(1).max(65_535).default(4010),
});

export const envSchema = settings.superRefine((env, ctx) => {
  if (env.NODE_ENV === "production" && env.OUTBOUND_ALLOW_LIST) {
    ctx.addIssue({
      code: "custom",
      path: ["OUTBOUND_ALLOW_LIST"],
      message: "is for development and tests only: production calls public https:// addresses only",
    });
  }
  // Sign-up, invitations and password resets work only through mailed links.
  if (env.NODE_ENV === "production" && !env.SMTP_URL) {
    ctx.addIssue({
      code: "custom",
      path: ["SMTP_URL"],
      message: "is required in production: sign-up, invitations and password resets send links by mail",
    });
  }
  for (const provider of ["GITHUB", "GOOGLE"] as const) {
    const id = env[`AUTH_${provider}_ID`];
    const secret = env[`AUTH_${provider}_SECRET`];
    if (Boolean(id) !== Boolean(secret)) {
      ctx.addIssue({
        code: "custom",
        path: [id ? `AUTH_${provider}_SECRET` : `AUTH_${provider}_ID`],
        message: `is required when AUTH_${provider}_${id ? "ID" : "SECRET"} is set`,
      });
    }
  }
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const message =
      issue.code === "invalid_type" && source[name] === undefined ? "is required but not set" : issue.message;
    return `${name} ${message}`;
  });
  throw new EnvError(problems);
}

let cached: Env | undefined;

/**
 * The validated environment, parsed on first use so build steps that never read it don't need it.
 * Under Vitest (NODE_ENV=test) it is parsed on every call: tests change process.env between cases.
 */
export function env(): Env {
  if (process.env.NODE_ENV === "test") return parseEnv(process.env);
  cached ??= parseEnv(process.env);
  return cached;
}

/**
 * One setting, validated on its own: for code that also runs in tools (migrations, the simulators,
 * the logger) where the app's secrets are not set and `env()` would refuse to start.
 */
export function envSetting<K extends keyof Env>(name: K): Env[K] {
  const result = settings.shape[name].safeParse(process.env[name]);
  if (result.success) return result.data as Env[K];
  throw new EnvError([`${name} ${result.error.issues[0]?.message ?? "is invalid"}`]);
}
