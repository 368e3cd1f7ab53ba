import "server-only";
import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { envSetting } from "@/env";

/**
 * The app's one logger: JSON lines on stdout (one object per line, for a log shipper), at
 * LOG_LEVEL and above; readable text when LOG_PRETTY=1 (`npm run dev` sets it). It reads only
 * its own settings, so logging works even when the rest of the environment is invalid.
 */

/** Keys whose values never reach a log line, at the top level or one object down. */
const SECRET_KEYS = [
  "authorization",
  "cookie",
  "set-cookie",
  "password",
  "secret",
  "token",
  "apiKey",
  "accessToken",
  "refreshToken",
  "consumerSecret",
  "clientSecret",
  "signingSecret",
  "plaintext",
];

const redact = {
  paths: SECRET_KEYS.flatMap((key) => [`["${key}"]`, `*["${key}"]`, `headers["${key}"]`, `*.headers["${key}"]`]),
  censor: "[redacted]",
};

/** A logger writing to `destination` (tests), or the app's: stdout, pretty when LOG_PRETTY=1. */
export function createLogger(destination?: DestinationStream): Logger {
  const options: LoggerOptions = { level: envSetting("LOG_LEVEL"), redact };
  if (destination) return pino(options, destination);
  if (envSetting("LOG_PRETTY") === "1")
    return pino({
      ...options,
      transport: { target: "pino-pretty", options: { ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss.l" } },
    });
  return pino(options);
}

export const logger = createLogger();

/** What a line is about, where known: every line of a child logger carries these. */
export interface LogBindings {
  requestId?: string;
  tenantId?: string;
  tenantSlug?: string;
  connectionId?: string;
  eventId?: string;
  area?: string;
}

export function logFor(bindings: LogBindings): Logger {
  return logger.child(bindings);
}
