import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync } from "node:fs";
import { connect, createServer } from "node:net";
import { PrismaClient } from "@/generated/prisma/client";
import { generateKeyringEntry } from "@/server/crypto/secret-box";
import { postgresAdapterFactory } from "@/server/database-adapter";
import { createThrowawayPostgres } from "@test-support/test-database";
import { applyPendingMigrations } from "@/server/migrations/schema-engine";
import { resolveInngestBinary } from "../scripts/inngest-install";
import { startMailpit } from "../scripts/lib/mailpit";
import { stopProcessGroup } from "../scripts/lib/supervisor";

/**
 * The real stack for integration tests: a throwaway PostgreSQL database, the production build
 * of the app (`next start`), and the open-source Inngest dev server pointed at it. Tests then
 * act through HTTP and watch effects in the database.
 */
export interface Stack {
  prisma: PrismaClient;
  appUrl: string;
  inngestUrl: string;
  env: NodeJS.ProcessEnv;
  /** The throwaway database's name, for faults done from outside (e.g. refusing connections). */
  databaseName: string;
  /** The app (`next start`) and the Inngest server, to be killed and started again on purpose. */
  app: StackProcess;
  inngest: StackProcess;
  /** The last lines both processes printed, prefixed with their names. */
  output: string[];
  sendEvent: (event: { name: string; data: Record<string, unknown>; id?: string }) => Promise<void>;
  stop: () => Promise<void>;
}

export interface StackProcess {
  /** The process id (also its process group's id), while it runs. */
  pid: () => number | undefined;
  /** Sends the signal to the whole process group and waits for the process to exit. */
  kill: (signal: NodeJS.Signals) => Promise<void>;
  /** Starts it again with the same ports and environment, and waits until it is ready. */
  start: () => Promise<void>;
  /** SIGSTOP / SIGCONT to its process group: it keeps its state but does nothing meanwhile. */
  freeze: () => void;
  thaw: () => void;
}

export interface StackOptions {
  /** Extra environment for the app and the Inngest server. */
  env?: Record<string, string | undefined>;
  /** Also appends every line both processes print to this file (the in-memory tail keeps 400). */
  logFile?: string;
  /**
   * `dev` (default): `inngest dev`, queue and run state in memory. `self-hosted`: `inngest start`
   * as production runs it, with its queue and run state in Redis (`INNGEST_REDIS_URL`, default
   * redis://127.0.0.1:6379/9, flushed first) and its history in a throwaway PostgreSQL
   * database, events authenticated with an event key and requests signed both ways.
   */
  inngest?: "dev" | "self-hosted";
  /**
   * URLs of the test's own servers on loopback (simulators, webhook receivers) that the app may
   * call: their host:port pairs become OUTBOUND_ALLOW_LIST. A test starts those servers first
   * (their ports are picked at run time) and names them here; nothing else private is reachable.
   */
  allow?: string[];
}

export function integrationPrerequisites(): string | null {
  if (!process.env.DATABASE_URL) return "DATABASE_URL is not set (integration tests need a PostgreSQL server)";
  if (!existsSync(".next/BUILD_ID")) return "no production build (run `npm run build` first)";
  try {
    resolveInngestBinary({ quiet: true });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

/** Polls until `check` returns a value (not undefined); for effects of asynchronous work. */
export const eventually = waitFor;

function startProcess(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  output: string[],
  logFile?: string,
): ChildProcess {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const keep = (text: string) => {
    const lines = text
      .split("\n")
      .filter(Boolean)
      .map((line) => `[${name}] ${line}`);
    if (logFile && lines.length) appendFileSync(logFile, `${lines.join("\n")}\n`);
    output.push(...lines);
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  // Whole lines only: a JSON log line split across two chunks would otherwise be cut in two in
  // the log file, and the secrets scan (reliability/common.ts) could miss a secret at the cut.
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const text = partial + chunk;
      const end = text.lastIndexOf("\n");
      partial = text.slice(end + 1);
      if (end >= 0) keep(text.slice(0, end));
    });
    stream.on("end", () => keep(partial));
  }
  return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(-child.pid, signal);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, signal);
  } catch {
    return Promise.resolve();
  }
  return exited;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const problem = integrationPrerequisites();
  if (problem) throw new Error(problem);
  const serverUrl = process.env.DATABASE_URL!;
  const database = await createThrowawayPostgres(serverUrl, "stockhook_it");
  const databaseUrl = database.url;
  // The real migration path (as `npm run db:migrate` runs it), unlike the unit tests' shortcut.
  await applyPendingMigrations(postgresAdapterFactory(databaseUrl));

  const [appPort, inngestPort, gatewayPort, gatewayGrpcPort, executorGrpcPort, debugPort] = await Promise.all(
    Array.from({ length: 6 }, freePort),
  );
  const appUrl = `http://127.0.0.1:${appPort}`;
  const inngestUrl = `http://127.0.0.1:${inngestPort}`;
  // Production needs SMTP_URL; account mail goes to a local Mailpit.
  const mail = await startMailpit();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The production build (`next start`), but a test deployment: OUTBOUND_ALLOW_LIST, which lets
    // the app call the test's simulators on loopback, is refused when NODE_ENV is production.
    NODE_ENV: "test",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    // Tests read /api/health's details with it, as an operator's monitoring would.
    HEALTH_TOKEN: randomBytes(24).toString("base64url"),
    // …and scrape /api/metrics with it, as Prometheus would.
    METRICS_TOKEN: randomBytes(24).toString("base64url"),
    STOCKHOOK_ENCRYPTION_KEYS: generateKeyringEntry("it"),
    APP_URL: appUrl,
    INNGEST_DEV: "1",
    INNGEST_BASE_URL: inngestUrl,
    // A short breaker window keeps the outage test quick; production keeps 60 s.
    STOCKHOOK_CIRCUIT_OPEN_MS: "2000",
    OUTBOUND_ALLOW_LIST: (options.allow ?? []).map((url) => new URL(url).host).join(","),
    // Storefront pushes retry after 1 s instead of 10 s, 30 s, … (seven attempts in about 6 s).
    STOCKHOOK_PUSH_RETRY_DELAYS: "1,1,1,1,1,1",
    // Outbound webhook tests retry after 1 s instead of 5 s, 5 min, ….
    OUTBOUND_WEBHOOKS_RETRY_DELAYS: "1,1,1",
    DO_NOT_TRACK: "1",
    INNGEST_NO_UPDATE_NOTIFIER: "1",
    SMTP_URL: mail.smtpUrl,
    ...options.env,
  };
  const output: string[] = [];
  const appArgs = ["node_modules/next/dist/bin/next", "start", "--port", String(appPort), "--hostname", "127.0.0.1"];
  const inngestBinary = resolveInngestBinary({ quiet: true });
  const selfHosted = options.inngest === "self-hosted" ? await selfHostedInngest(serverUrl, env) : undefined;
  const inngestArgs = [
    ...(selfHosted ? selfHosted.args : ["dev", "--no-discovery", "--no-poll", "--debug-api-port", String(debugPort)]),
    "--sdk-url",
    `${appUrl}/api/inngest`,
    "--port",
    String(inngestPort),
    "--connect-gateway-port",
    String(gatewayPort),
    "--connect-gateway-grpc-port",
    String(gatewayGrpcPort),
    "--connect-executor-grpc-port",
    String(executorGrpcPort),
    // Linear 1-second retries keep retry tests short; production uses Inngest's backoff.
    "--retry-interval",
    "1",
    "--tick",
    "50",
  ];
  let app = startProcess("app", process.execPath, appArgs, env, output, options.logFile);
  let inngest = startProcess("inngest", inngestBinary, inngestArgs, env, output, options.logFile);
  const prisma = new PrismaClient({ adapter: postgresAdapterFactory(databaseUrl) });
  const stop = async () => {
    await Promise.all([stopProcessGroup(app), stopProcessGroup(inngest), mail.stop()]);
    await prisma.$disconnect();
    await database.drop();
    await selfHosted?.drop();
  };
  // The app's health check also reports Inngest, so "app up" means answering at all here.
  const appReady = () =>
    waitFor("the app to answer", async () => {
      const response = await fetch(`${appUrl}/api/health`);
      return response.status === 200 || response.status === 503 ? true : undefined;
    });
  const inngestReady = () =>
    waitFor(
      "Inngest to sync the app's functions",
      selfHosted
        ? () => selfHosted.sync(appUrl)
        : async () => {
            const response = await fetch(`${inngestUrl}/dev`);
            const info = (await response.json()) as { functions?: unknown[] | null };
            return (info.functions?.length ?? 0) > 0 ? true : undefined;
          },
    );
  try {
    await waitFor("the app's health check", async () => {
      const response = await fetch(`${appUrl}/api/health`);
      return response.ok ? true : undefined;
    });
    await inngestReady();
  } catch (error) {
    await stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- last output ---\n${output.slice(-60).join("\n")}`,
    );
  }
  return {
    prisma,
    appUrl,
    inngestUrl,
    env,
    databaseName: database.name,
    output,
    app: {
      pid: () => app.pid,
      kill: (signal) => killGroup(app, signal),
      start: async () => {
        app = startProcess("app", process.execPath, appArgs, env, output, options.logFile);
        await appReady();
      },
      freeze: () => signalGroup(app, "SIGSTOP"),
      thaw: () => signalGroup(app, "SIGCONT"),
    },
    inngest: {
      pid: () => inngest.pid,
      kill: (signal) => killGroup(inngest, signal),
      start: async () => {
        inngest = startProcess("inngest", inngestBinary, inngestArgs, env, output, options.logFile);
        await inngestReady();
      },
      freeze: () => signalGroup(inngest, "SIGSTOP"),
      thaw: () => signalGroup(inngest, "SIGCONT"),
    },
    sendEvent: async (event) => {
      const response = await fetch(`${inngestUrl}/e/${env.INNGEST_EVENT_KEY ?? "local"}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(event),
      });
      if (!response.ok) throw new Error(`Inngest refused the event: HTTP ${response.status} ${await response.text()}`);
    },
    stop,
  };
}

/**
 * What `inngest start` needs beside the dev server's flags: keys (the app gets the same ones, and
 * leaves dev mode), Redis for the queue and run state, PostgreSQL for its history. The app is
 * synced the way a deployment does it: a PUT to its serve endpoint makes the SDK register.
 */
async function selfHostedInngest(serverUrl: string, env: NodeJS.ProcessEnv) {
  const history = await createThrowawayPostgres(serverUrl, "stockhook_inngest");
  const redisUrl = process.env.INNGEST_REDIS_URL ?? "redis://127.0.0.1:6379/9";
  await flushRedisDatabase(redisUrl);
  const eventKey = randomBytes(16).toString("hex");
  const signingKey = randomBytes(32).toString("hex");
  Object.assign(env, { INNGEST_DEV: "0", INNGEST_EVENT_KEY: eventKey, INNGEST_SIGNING_KEY: signingKey });
  return {
    args: [
      "start",
      "--event-key",
      eventKey,
      "--signing-key",
      signingKey,
      "--redis-uri",
      redisUrl,
      "--postgres-uri",
      history.url,
      "--no-ui",
    ],
    sync: async (appUrl: string) => ((await fetch(`${appUrl}/api/inngest`, { method: "PUT" })).ok ? true : undefined),
    drop: () => history.drop(),
  };
}

/** FLUSHDB on the URL's database number, over a plain socket (RESP), so no Redis client is needed. */
async function flushRedisDatabase(redisUrl: string): Promise<void> {
  const url = new URL(redisUrl);
  const database = url.pathname.slice(1) || "0";
  const command = (...parts: string[]) =>
    `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join("")}`;
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(url.port || 6379), url.hostname, () =>
      socket.write(command("SELECT", database) + command("FLUSHDB")),
    );
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.split("\r\n").filter(Boolean).length >= 2) {
        socket.end();
        if (answer.startsWith("-") || answer.includes("\r\n-")) reject(new Error(`Redis refused: ${answer.trim()}`));
        else resolve();
      }
    });
    socket.on("error", reject);
  });
}
