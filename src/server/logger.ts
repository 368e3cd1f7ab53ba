import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { envSetting } from "@/env";

/**
 * The app's one logger: JSON lines on stdout (one object per line, for a log shipper), at
 * LOG_LEVEL and above; readable text when LOG_PRETTY=1 (`npm run dev` sets it). It reads only
 * its own settings, so logging works even when the rest of the environment is invalid.
 * docs/logging.md lists the fields.
 */

/** What a line is about, where known: a child logger's lines, or every line inside `withLogContext`, carry these. */
export interface LogBindings {
  requestId?: string;
  tenantId?: string;
  tenantSlug?: string;
  connectionId?: string;
  /** The WebhookEvent row (the event log's id), not Inngest's own event id. */
  eventId?: string;
  /** The Inngest run, under the name Inngest's own function logger gives it. */
  runID?: string;
  /** The Inngest function's id. */
  fn?: string;
  area?: string;
}

const REDACTED = "[redacted]";

/** Keys whose values never reach a log line, at any depth (headers included). */
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|password|passwd|plaintext|signature|x-[\w-]*(signature|hmac[\w-]*)|[\w-]*(secret|token|api[-_]?key|private[-_]?key)s?|[\w-]*_keys?)$/i;
/** A query parameter whose value is a credential: ?access_token=…, &api_key=…, &X-Amz-Signature=…, &code=…. */
const SECRET_QUERY =
  /([?&;][^=&#\s"']*(?:token|secret|key|signature|sig|password|passwd|pwd|auth|code|hmac)[^=&#\s"']*=)[^&#\s"']+/gi;
/** The password in a URL's userinfo: smtp://user:pass@host, postgresql://user:pass@host. */
const URL_PASSWORD = /(\b[a-z][a-z\d+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi;
/** An Authorization header's credentials written into text. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[\w\-.~+/]{8,}=*/g;

export function redactText(text: string): string {
  return text
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(SECRET_QUERY, `$1${REDACTED}`)
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`);
}

const MAX_DEPTH = 8;

/**
 * A copy of a log argument with secrets taken out: secret-named keys at any depth, credentials in
 * strings (URLs' query tokens and passwords, bearer tokens). Errors become plain objects (pino's
 * own shape) so their message and stack are cleaned too. Cycles and deep nesting are cut short.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[nested too deep]";
  seen.add(value);
  if (value instanceof Error) return redactValue(pino.stdSerializers.err(value), depth, seen);
  if (value instanceof Headers) return redactValue(Object.fromEntries(value.entries()), depth, seen);
  if (value instanceof URL) return redactText(value.href);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    copy[key] = SECRET_KEY.test(key) ? REDACTED : redactValue(item, depth + 1, seen);
  return copy;
}

/** The ids of the work in progress (a request, an Inngest run); lines logged inside it carry them. */
const logContext = new AsyncLocalStorage<LogBindings>();

/** Runs `work` with `bindings` added to every line logged inside it, however deep the call. */
export function withLogContext<T>(bindings: LogBindings, work: () => T): T {
  const known = Object.fromEntries(Object.entries(bindings).filter(([, value]) => value !== undefined));
  return logContext.run({ ...logContext.getStore(), ...known }, work);
}

/** The request's id: the one a proxy in front set (X-Request-Id), or a new one. */
export function requestIdOf(headers: Headers): string {
  return headers.get("x-request-id")?.slice(0, 100) || randomUUID();
}

/** A logger writing to `destination` (tests), or the app's: stdout, pretty when LOG_PRETTY=1. */
export function createLogger(destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: envSetting("LOG_LEVEL"),
    // Every argument is cleaned before pino sees it: pino takes a line's message from an error it
    // is given, so cleaning the finished object would be too late.
    hooks: {
      logMethod(args, method) {
        // pino's own reading of `log(error, …)`: the error under `err`, its message as the message.
        const [first, ...rest] = args as unknown[];
        const spread =
          first instanceof Error
            ? [{ err: first }, ...(typeof rest[0] === "string" ? rest : [first.message, ...rest])]
            : [first, ...rest];
        method.apply(this, spread.map((arg) => redactValue(arg)) as Parameters<typeof method>);
      },
    },
    // Errors arrive already serialized (and cleaned) by the hook above.
    serializers: { err: (error: unknown) => (error instanceof Error ? pino.stdSerializers.err(error) : error) },
    // The context's ids, less those the logger was already bound to (no key twice on a line).
    mixin(_line, _level, logger) {
      const context = logContext.getStore();
      if (!context) return {};
      const bound = logger.bindings();
      return Object.fromEntries(Object.entries(context).filter(([key]) => !(key in bound)));
    },
  };
  if (destination) return pino(options, destination);
  if (envSetting("LOG_PRETTY") === "1")
    return pino({
      ...options,
      transport: { target: "pino-pretty", options: { ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss.l" } },
    });
  return pino(options);
}

export const logger = createLogger();

export function logFor(bindings: LogBindings): Logger {
  return logger.child(redactValue(bindings) as LogBindings);
}
