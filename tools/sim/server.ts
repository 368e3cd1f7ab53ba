import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { createControls, handleControlRequest, type SimControls } from "./control";
import { type Handled, type ProviderSim, type SimRequest, type SimResponse } from "./http";
import { providerSims } from "./providers";
import { type SimStore, type StoreSpec, StoreRegistry } from "./store";
import { connectorConfigFor, type SimConnectorConfig } from "./connector-config";
import { emitWebhook, type EmitWebhookOptions, type EmitWebhookResult } from "./webhooks";
import { cancelRetries } from "./subscriptions";

/**
 * All five platforms on one local port, each store addressed by its path prefix:
 * `/sam/{store}/api/v3`, `/shopify/{store}/admin/api/2026-10/graphql.json`,
 * `/woocommerce/{store}/wp-json/wc/v3`, `/bigcommerce/stores/{hash}/v3`,
 * `/bc/v2.0/{tenant}/{environment}/api/v2.0` (tokens at `/bc/{tenant}/oauth2/v2.0/token`),
 * and the control API at `/_control`.
 */
export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Seed for stores created without their own. */
  seed?: number;
  stores?: StoreSpec[];
}

export interface Simulator {
  url: string;
  stores: StoreRegistry;
  controls: SimControls;
  /** `store` may be a key such as "woocommerce:demo". */
  emitWebhook(
    options: Omit<EmitWebhookOptions, "store" | "origin"> & { store: SimStore | string },
  ): Promise<EmitWebhookResult>;
  /** What `createConnector` needs to talk to a store: provider, baseUrl, credentials. */
  connectorConfig(store: SimStore | string): SimConnectorConfig;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  let url = "";
  const stores = new StoreRegistry(options.seed ?? 1);
  for (const spec of options.stores ?? []) stores.create(spec);
  const controls = createControls(stores, () => url);

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: String(error) } });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const started = Date.now();
    const target = new URL(req.url ?? "/", url);
    const segments = target.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const body = await readBody(req);
    if (segments[0] === "_control")
      return send(
        res,
        await handleControlRequest(controls, req.method ?? "GET", segments.slice(1), target.searchParams, body),
      );

    const sim = providerSims.find((candidate) => candidate.provider === segments[0]);
    const route = sim?.route(segments.slice(1));
    if (!sim || !route) return send(res, { status: 404, body: { error: "no such simulated platform path" } });
    const request: SimRequest = {
      method: req.method ?? "GET",
      path: route.path,
      query: target.searchParams,
      headers: req.headers,
      body,
      origin: url,
      prefix: route.prefix,
    };
    const store = stores.find(sim.provider, route.storeId);
    if (!store) return send(res, sim.unknownStore());

    const handled = await respond(sim, store, request, res);
    if (!handled) return;
    store.stats.writes += handled.writes ?? 0;
    store.record({
      at: new Date(started).toISOString(),
      method: request.method,
      path: target.pathname,
      kind: handled.kind,
      status: handled.response.status,
      ms: Date.now() - started,
    });
    send(res, handled.response);
  }

  /** Faults, latency, auth and the request window, in the order a real edge applies them. */
  async function respond(
    sim: ProviderSim,
    store: SimStore,
    request: SimRequest,
    res: ServerResponse,
  ): Promise<Handled | undefined> {
    const { controls: faults } = store;
    if (faults.outage === "refuse") {
      store.count("outage:refused");
      res.socket?.destroy();
      return undefined;
    }
    if (faults.outage === "hang") {
      store.count("outage:hang");
      return undefined;
    }
    if (faults.outage === "error")
      return { kind: "outage:error", response: { status: faults.outageStatus, body: { error: "simulated outage" } } };
    if (faults.failNext > 0) {
      faults.failNext -= 1;
      return { kind: "outage:blip", response: { status: 503, body: { error: "simulated blip" } } };
    }
    if (faults.latencyMs > 0) await delay(faults.latencyMs);
    if (!sim.isPublic?.(request) && !sim.authorize(store, request))
      return { kind: "unauthorized", response: sim.unauthorized() };

    const verdict = sim.windowed ? store.takeWindow() : undefined;
    const windowHeaders = verdict && sim.windowHeaders ? sim.windowHeaders(verdict, store) : {};
    if (verdict && !verdict.allowed) {
      const retryAfter = String(Math.max(1, Math.ceil(verdict.resetMs / 1000)));
      return {
        kind: "rate_limited",
        response: {
          status: 429,
          headers: { "retry-after": retryAfter, ...windowHeaders },
          body: { error: "Too many requests" },
        },
      };
    }
    const handled = await sim.handle(store, request);
    handled.response.headers = { ...windowHeaders, ...handled.response.headers };
    return handled;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  const resolveStore = (store: SimStore | string) => (typeof store === "string" ? stores.require(store) : store);
  return {
    url,
    stores,
    controls,
    emitWebhook: (emit) => emitWebhook({ ...emit, store: resolveStore(emit.store), origin: url }),
    connectorConfig: (store) => connectorConfigFor(resolveStore(store), url),
    close: () =>
      new Promise<void>((resolve) => {
        for (const store of stores.list()) cancelRetries(store);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, response: SimResponse) {
  const headers: Record<string, string> = { ...response.headers };
  let payload = "";
  if (response.body !== undefined) {
    payload = typeof response.body === "string" ? response.body : JSON.stringify(response.body);
    headers["content-type"] ??=
      typeof response.body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}
