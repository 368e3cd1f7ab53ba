import { parseArgs } from "node:util";
import { demoStoreSpecs } from "./demo";
import { type StockChangeKind } from "./http";
import { createSimulator } from "./server";
import { parseProvider, type SimProvider, StoreRegistry } from "./store";
import { emitWebhook } from "./webhooks";

/**
 * `npm run sim`: with no arguments, serves every simulated platform with the demo stores;
 * `sale|return|restock|adjust --store provider:store --sku … [--qty N]` makes that change in a
 * store and delivers the platform's signed webhook to Stockhook. The target comes from
 * `--url`/`--secret`, or from `--tenant` through a pluggable `resolveTarget` (the app looks
 * the connection's webhook URL and signing secret up in its database).
 */
export interface WebhookTarget {
  url: string;
  secret: string;
}

export type ResolveTarget = (query: {
  tenant: string;
  provider: SimProvider;
  storeId: string;
}) => Promise<WebhookTarget>;

export interface CliDeps {
  resolveTarget?: ResolveTarget;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  /** Resolves when the server should stop; defaults to SIGINT/SIGTERM. */
  untilStopped?: () => Promise<void>;
}

const COMMANDS: Record<string, StockChangeKind> = {
  sale: "sale",
  return: "return",
  restock: "restock",
  adjust: "adjustment",
  adjustment: "adjustment",
};

export const USAGE = `usage:
  sim                                      serve the simulators (SIM_PORT, default 4010)
  sim sale|return|restock|adjust [--store <provider>:<storeId>] --sku <sku> [--qty N]
      (--url <webhook url> --secret <secret> | --tenant <slug>)
      (--store defaults to sam:<tenant> with --tenant)`;

export async function runSimCli(argv: string[], deps: CliDeps = {}): Promise<number> {
  const log = deps.log ?? ((line: string) => console.log(line));
  try {
    return await run(argv, deps, log);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    log(`error: ${error instanceof Error ? error.message : String(error)}${cause}`);
    return 1;
  }
}

async function run(argv: string[], deps: CliDeps, log: (line: string) => void): Promise<number> {
  const env = deps.env ?? process.env;
  const [command, ...rest] = argv;
  if (!command) return serve(env, log, deps.untilStopped ?? untilSignal);
  const kind = COMMANDS[command];
  if (!kind) {
    log(command === "help" || command === "--help" ? USAGE : `unknown command "${command}"\n${USAGE}`);
    return command === "help" || command === "--help" ? 0 : 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      store: { type: "string" },
      sku: { type: "string" },
      qty: { type: "string" },
      url: { type: "string" },
      secret: { type: "string" },
      tenant: { type: "string" },
    },
    strict: true,
  });
  // A tenant's gallery sells from its source: `--tenant demo` alone means the SAM store "demo".
  const store = values.store ?? (values.tenant ? `sam:${values.tenant}` : undefined);
  const [providerName = "", storeId = ""] = (store ?? "").split(":");
  if (!store || !storeId || !values.sku) {
    log(`--store <provider>:<storeId> and --sku are required\n${USAGE}`);
    return 2;
  }
  const provider = parseProvider(providerName);
  const quantity = values.qty === undefined ? undefined : Number(values.qty);
  if (quantity !== undefined && (!Number.isInteger(quantity) || quantity < 0)) {
    log("--qty must be a non-negative integer");
    return 2;
  }
  const target = await resolveWebhookTarget(values, provider, storeId, deps.resolveTarget);
  if (typeof target === "string") {
    log(target);
    return 2;
  }

  const key = `${provider}:${storeId}`;
  const webhook = { kind, sku: values.sku, quantity, targetUrl: target.url, secret: target.secret };
  const simUrl = env.SIM_URL ?? `http://127.0.0.1:${env.SIM_PORT ?? 4010}`;
  const running = await viaRunningSimulator(simUrl, key, webhook);
  if (running) {
    log(`${kind} ${values.sku} @ ${key} (simulator at ${simUrl}) → HTTP ${running.status}`);
    return running.status >= 200 && running.status < 300 ? 0 : 1;
  }
  // Nothing listening: change a throwaway copy of the demo store so the webhook can still go out.
  const stores = new StoreRegistry(1);
  for (const spec of demoStoreSpecs()) stores.create(spec);
  const result = await emitWebhook({ ...webhook, store: stores.require(key) });
  log(
    `${kind} ${values.sku} @ ${key} (no simulator running at ${simUrl}; stock change not kept) → HTTP ${result.status}`,
  );
  return result.status >= 200 && result.status < 300 ? 0 : 1;
}

async function resolveWebhookTarget(
  values: { url?: string; secret?: string; tenant?: string },
  provider: SimProvider,
  storeId: string,
  resolveTarget?: ResolveTarget,
): Promise<WebhookTarget | string> {
  if (values.url && values.secret) return { url: values.url, secret: values.secret };
  if (values.tenant && resolveTarget) return resolveTarget({ tenant: values.tenant, provider, storeId });
  if (values.tenant) return "--tenant needs a target resolver (not wired yet); pass --url and --secret";
  return "--url and --secret are required (or --tenant)";
}

/** Goes through the running simulator's control API so its stock changes too. */
async function viaRunningSimulator(
  simUrl: string,
  key: string,
  webhook: object,
): Promise<{ status: number } | undefined> {
  let response: Response;
  try {
    response = await fetch(`${simUrl}/_control/${encodeURIComponent(key)}/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(webhook),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    return undefined;
  }
  const body = (await response.json().catch(() => ({}))) as { status?: number; error?: string };
  if (!response.ok || typeof body.status !== "number")
    throw new Error(`simulator at ${simUrl} refused: ${body.error ?? response.status}`);
  return { status: body.status };
}

async function serve(
  env: Record<string, string | undefined>,
  log: (line: string) => void,
  untilStopped: () => Promise<void>,
): Promise<number> {
  const port = Number(env.SIM_PORT ?? 4010);
  const sim = await createSimulator({
    port,
    host: env.SIM_HOST ?? "127.0.0.1",
    seed: Number(env.SIM_SEED ?? 1),
    stores: demoStoreSpecs(),
  });
  log(`Stockhook platform simulator on ${sim.url}`);
  for (const store of sim.stores.list()) {
    const { provider, baseUrl, credentials } = sim.connectorConfig(store);
    log(`  ${store.key.padEnd(18)} ${provider.padEnd(17)} ${baseUrl}  ${JSON.stringify(credentials)}`);
  }
  log(`  control API: ${sim.url}/_control  (GET lists stores; POST /_control/<provider>:<store> sets faults)`);
  await untilStopped();
  await sim.close();
  return 0;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}
