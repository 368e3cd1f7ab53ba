import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync } from "node:fs";
import { connect, createServer } from "node:net";
import { PrismaClient } from "@/generated/prisma/client";
import { generateKeyringEntry } from "@/server/crypto/secret-box";
import { postgresAdapterFactory } from "@/server/database-adapter";
import { createThrowawayPostgres } from "@test-support/test-database";
import { applyPendingMigrations } from "@/server/migrations/schema-engine";
import { ensureHaproxy } from "../scripts/haproxy-install";
import { resolveInngestBinary } from "../scripts/inngest-install";
import { haproxyArgs, writeHaproxyConfig } from "../scripts/lib/haproxy";
import { startMailpit } from "../scripts/lib/mailpit";
import { stopProcessGroup } from "../scripts/lib/supervisor";

/**
 * The real stack for integration tests: a throwaway PostgreSQL database, the production build
 * of the app (`next start`), and the open-source Inngest dev server pointed at it. Tests then
 * act through HTTP and watch effects in the database. With `instances: N` (N ≥ 2) it is the
 * production layout instead: N `next start` processes behind HAProxy, and `appUrl` is HAProxy's.
 */
export interface Stack {
  prisma: PrismaClient;
  /** Where clients reach the app: the single instance, or the load balancer in front of several. */
  appUrl: string;
  inngestUrl: string;
  env: NodeJS.ProcessEnv;
  /** The throwaway database's name, for faults done from outside (e.g. refusing connections). */
  databaseName: string;
  /** The app (`next start`; the first instance when there are several) and the Inngest server, to be killed and started again on purpose. */
  app: StackProcess;
  inngest: StackProcess;
  /** Every app instance (one without `instances`), and each one's own address, bypassing the balancer. */
  instances: StackProcess[];
  instanceUrls: string[];
  /** HAProxy, when there are several instances, and the haproxy.cfg it runs with. */
  balancer?: StackProcess;
  balancerConfigFile?: string;
  /** Where `inngest start` keeps its queue and run state (self-hosted only). */
  inngestRedisUrl?: string;
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
  /**
   * How many `next start` processes (default 1). From 2 they run on their own ports behind
   * HAProxy (Debian's package, installed when missing: scripts/haproxy-install.ts) with round
   * robin and a health check; the app's APP_URL and the URL Inngest calls are HAProxy's.
   */
  instances?: number;
  /**
   * How many of those instances take only the Inngest server's calls (/api/inngest), the last ones;
   * the others take webhooks, the dashboard and everything else (default 0: every instance takes
   * everything). Needs at least one instance left for the rest.
   */
  workers?: number;
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

  const instanceCount = Math.max(1, options.instances ?? 1);
  const [inngestPort, gatewayPort, gatewayGrpcPort, executorGrpcPort, debugPort, balancerPort] = await Promise.all(
    Array.from({ length: 6 }, freePort),
  );
  const instancePorts = await Promise.all(Array.from({ length: instanceCount }, freePort));
  const instanceUrls = instancePorts.map((port) => `http://127.0.0.1:${port}`);
  const workerCount = options.workers ?? 0;
  if (!Number.isInteger(workerCount) || workerCount < 0 || workerCount >= instanceCount)
    throw new Error(`workers: ${workerCount} of ${instanceCount} instances leaves none for webhooks`);
  const balanced = instanceCount > 1;
  const haproxyBinary = balanced ? await ensureHaproxy() : undefined;
  const appUrl = balanced ? `http://127.0.0.1:${balancerPort}` : instanceUrls[0]!;
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
    // A failed reconcile page retries after 1 s instead of 10 s, 1 min, 5 min.
    STOCKHOOK_RECONCILE_RETRY_DELAYS: "1,1,1",
    // Outbound webhook tests retry after 1 s instead of 5 s, 5 min, ….
    OUTBOUND_WEBHOOKS_RETRY_DELAYS: "1,1,1",
    DO_NOT_TRACK: "1",
    INNGEST_NO_UPDATE_NOTIFIER: "1",
    SMTP_URL: mail.smtpUrl,
    ...options.env,
  };
  const output: string[] = [];
  const appArgs = (port: number) => [
    "node_modules/next/dist/bin/next",
    "start",
    "--port",
    String(port),
    "--hostname",
    "127.0.0.1",
  ];
  const webCount = instanceCount - workerCount;
  const instanceName = (index: number) =>
    !balanced ? "app" : index < webCount ? `app${index}` : `worker${index - webCount}`;
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
  const apps = instancePorts.map((port, index) =>
    startProcess(instanceName(index), process.execPath, appArgs(port), env, output, options.logFile),
  );
  const balancerConfig = balanced
    ? writeHaproxyConfig({
        port: balancerPort!,
        backends: instancePorts.slice(0, webCount),
        workers: instancePorts.slice(webCount),
      })
    : undefined;
  let balancer =
    haproxyBinary && balancerConfig
      ? startProcess("haproxy", haproxyBinary, haproxyArgs(balancerConfig), env, output, options.logFile)
      : undefined;
  let inngest = startProcess("inngest", inngestBinary, inngestArgs, env, output, options.logFile);
  const prisma = new PrismaClient({ adapter: postgresAdapterFactory(databaseUrl) });
  const stop = async () => {
    await Promise.all([
      ...apps.map((app) => stopProcessGroup(app)),
      ...(balancer ? [stopProcessGroup(balancer)] : []),
      stopProcessGroup(inngest),
      mail.stop(),
    ]);
    await prisma.$disconnect();
    await database.drop();
    await selfHosted?.drop();
  };
  // The app's health check also reports Inngest, so "app up" means answering at all here.
  const answers = (url: string) =>
    waitFor("the app to answer", async () => {
      const response = await fetch(`${url}/api/health`);
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
    for (const url of instanceUrls)
      await waitFor("the app's health check", async () => {
        const response = await fetch(`${url}/api/health`);
        return response.ok ? true : undefined;
      });
    // Through the balancer as well: its first health checks have marked the instances up.
    if (balanced) await answers(appUrl);
    await inngestReady();
  } catch (error) {
    await stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n--- last output ---\n${output.slice(-60).join("\n")}`,
    );
  }
  const instances: StackProcess[] = instancePorts.map((port, index) => ({
    pid: () => apps[index]!.pid,
    kill: (signal) => killGroup(apps[index]!, signal),
    start: async () => {
      apps[index] = startProcess(instanceName(index), process.execPath, appArgs(port), env, output, options.logFile);
      await answers(instanceUrls[index]!);
    },
    freeze: () => signalGroup(apps[index]!, "SIGSTOP"),
    thaw: () => signalGroup(apps[index]!, "SIGCONT"),
  }));
  return {
    prisma,
    appUrl,
    inngestUrl,
    env,
    databaseName: database.name,
    output,
    app: instances[0]!,
    instances,
    instanceUrls,
    balancerConfigFile: balancerConfig,
    inngestRedisUrl: selfHosted?.redisUrl,
    balancer:
      haproxyBinary && balancerConfig
        ? {
            pid: () => balancer?.pid,
            kill: (signal) => (balancer ? killGroup(balancer, signal) : Promise.resolve()),
            start: async () => {
              balancer = startProcess(
                "haproxy",
                haproxyBinary,
                haproxyArgs(balancerConfig),
                env,
                output,
                options.logFile,
              );
              await answers(appUrl);
            },
            freeze: () => balancer && signalGroup(balancer, "SIGSTOP"),
            thaw: () => balancer && signalGroup(balancer, "SIGCONT"),
          }
        : undefined,
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
  const claim = process.env.INNGEST_REDIS_URL ? undefined : await claimRedisDatabase("redis://127.0.0.1:6379");
  const redisUrl = process.env.INNGEST_REDIS_URL ?? claim!.url;
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
    redisUrl,
    sync: async (appUrl: string) => ((await fetch(`${appUrl}/api/inngest`, { method: "PUT" })).ok ? true : undefined),
    drop: async () => {
      await history.drop();
      await claim?.release();
    },
  };
}

/**
 * A Redis database number of its own for this run's Inngest server (9 to 15, the first free),
 * so runs in several checkouts at once do not share a queue: claimed by a key in database 0
 * that expires after two hours in case a run dies without releasing it.
 */
async function claimRedisDatabase(serverUrl: string): Promise<{ url: string; release: () => Promise<void> }> {
  const owner = `${process.pid}-${randomBytes(4).toString("hex")}`;
  for (let database = 9; database <= 15; database++) {
    const key = `stockhook:harness:redis-db:${database}`;
    const [, claimed] = await redisCommands(serverUrl, [
      ["SELECT", "0"],
      ["SET", key, owner, "NX", "EX", "7200"],
    ]);
    const [, holder] =
      claimed === "+OK"
        ? []
        : await redisCommands(serverUrl, [
            ["SELECT", "0"],
            ["GET", key],
          ]);
    // A claim left by a run that died without releasing it (its process is gone) is taken over.
    if (claimed !== "+OK" && holder && !processAlive(Number(holder.split("-")[0])))
      await redisCommands(serverUrl, [
        ["SELECT", "0"],
        ["SET", key, owner, "EX", "7200"],
      ]);
    else if (claimed !== "+OK") continue;
    return {
      url: `${serverUrl}/${database}`,
      release: async () => {
        const [, current] = await redisCommands(serverUrl, [
          ["SELECT", "0"],
          ["GET", key],
        ]);
        if (current === owner)
          await redisCommands(serverUrl, [
            ["SELECT", "0"],
            ["DEL", key],
          ]);
      },
    };
  }
  throw new Error("Redis databases 9 to 15 are all claimed by other test runs (keys stockhook:harness:redis-db:*)");
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** FLUSHDB on the URL's database number. */
async function flushRedisDatabase(redisUrl: string): Promise<void> {
  const url = new URL(redisUrl);
  await redisCommands(`redis://${url.host}`, [["SELECT", url.pathname.slice(1) || "0"], ["FLUSHDB"]]);
}

/**
 * Sends commands over a plain socket (RESP), so no Redis client is needed; returns each reply's
 * first line with its value in place of a bulk string's length ("+OK", ":1", the value, or "$-1").
 * Only for commands with one-line answers (SELECT, SET, GET of short values, DEL, FLUSHDB).
 */
async function redisCommands(serverUrl: string, commands: string[][]): Promise<string[]> {
  const url = new URL(serverUrl);
  const encode = (parts: string[]) =>
    `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join("")}`;
  return new Promise<string[]>((resolve, reject) => {
    const socket = connect(Number(url.port || 6379), url.hostname, () => socket.write(commands.map(encode).join("")));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      const lines = answer.split("\r\n");
      const replies: string[] = [];
      for (let i = 0; i < lines.length - 1; i++) {
        const line = lines[i]!;
        if (line.startsWith("$") && line !== "$-1") {
          if (i + 1 >= lines.length - 1) return;
          replies.push(lines[++i]!);
        } else replies.push(line);
      }
      if (replies.length < commands.length) return;
      socket.end();
      const refused = replies.find((reply) => reply.startsWith("-"));
      if (refused) reject(new Error(`Redis refused: ${refused}`));
      else resolve(replies);
    });
    socket.on("error", reject);
  });
}
