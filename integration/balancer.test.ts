import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureHaproxy } from "../scripts/haproxy-install";
import { BUSY_TENANT_PER_SECOND, haproxyArgs, REQUESTS_PER_INSTANCE, writeHaproxyConfig } from "../scripts/lib/haproxy";
import { STORED_DELIVERY_HEADER } from "../src/server/inbound/stored-delivery-header";
import { eventually, freePort } from "./harness";

/**
 * The production balancer's configuration (scripts/lib/haproxy.ts) on real HAProxy, in front of
 * stand-in instances that hold every request until the test lets it go, so which request an
 * instance is handed next is decided by HAProxy's queue alone, never by timing. Like the app, a
 * stand-in marks the answer to a webhook it stored, and refuses a forged one (`?forged` in the
 * URL) at once with 401.
 */
class HoldingInstance {
  readonly arrived: string[] = [];
  refused = 0;
  private readonly held: { url: string; response: ServerResponse }[] = [];
  private server!: Server;
  port = 0;

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      // HAProxy's health checks are answered at once and not counted.
      if (request.url === "/api/health") return response.end("ok");
      const url = request.url ?? "";
      if (url.includes("forged")) {
        this.refused++;
        response.statusCode = 401;
        return response.end("Invalid signature");
      }
      this.arrived.push(url);
      this.held.push({ url, response });
    });
    await new Promise<void>((resolve) => this.server.listen(this.port, "127.0.0.1", resolve));
  }

  get holding(): number {
    return this.held.length;
  }

  releaseOne(): void {
    const next = this.held.shift();
    if (!next) return;
    if (next.url.startsWith("/api/webhooks/")) next.response.setHeader(STORED_DELIVERY_HEADER, "1");
    next.response.end("done");
  }

  async stop(): Promise<void> {
    for (const { response } of this.held.splice(0)) response.end("done");
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const BUSY_WINDOW = 60;
/** Stored deliveries in the window past which a tenant is busy. */
const BUSY_COUNT = BUSY_TENANT_PER_SECOND * BUSY_WINDOW;

describe("the load balancer in front of the app instances", () => {
  const web = new HoldingInstance();
  const worker = new HoldingInstance();
  let haproxy: ChildProcess;
  let balancerUrl = "";
  let statsUrl = "";
  const answers: Promise<Response>[] = [];

  beforeAll(async () => {
    const binary = await ensureHaproxy();
    await Promise.all([web.start(), worker.start()]);
    const [port, statsPort] = await Promise.all([freePort(), freePort()]);
    // A minute's window, so no count can age out while a slow machine runs the test.
    const config = writeHaproxyConfig({
      port,
      backends: [web.port],
      workers: [worker.port],
      statsPort,
      busyWindowSeconds: BUSY_WINDOW,
    });
    haproxy = spawn(binary, haproxyArgs(config), { stdio: "ignore" });
    balancerUrl = `http://127.0.0.1:${port}`;
    statsUrl = `http://127.0.0.1:${statsPort}/stats;csv`;
    await eventually("HAProxy to answer", async () =>
      (await fetch(`${balancerUrl}/api/health`)).ok ? true : undefined,
    );
  });

  afterAll(async () => {
    haproxy?.kill("SIGTERM");
    await Promise.all([web.stop(), worker.stop()]);
    await Promise.allSettled(answers);
  });

  /** Requests waiting in HAProxy's queue for the web instances (the app backend's `qcur`). */
  async function queuedForWeb(): Promise<number> {
    const csv = await (await fetch(statsUrl)).text();
    const backend = csv.split("\n").find((line) => line.startsWith("app,BACKEND,"));
    return Number(backend?.split(",")[2] ?? Number.NaN);
  }

  const send = (path: string) => {
    const answer = fetch(`${balancerUrl}${path}`, { method: "POST", body: "{}" });
    answers.push(answer);
    return answer;
  };

  it("sends the Inngest server's calls to the worker instances and nothing else there", async () => {
    const answer = send("/api/inngest?fnId=apply-webhook-batch");
    await eventually("the worker to receive the call", async () => (worker.holding === 1 ? true : undefined));
    expect(web.arrived).toEqual([]);
    worker.releaseOne();
    expect((await answer).headers.get("x-stockhook-instance")).toBe("worker0");
  });

  it("hands a quiet tenant's webhook to the instance before a busy tenant's queued backlog, whatever a stranger forges", async () => {
    // The attack: a stranger floods the quiet gallery's webhook URL with forged deliveries, which
    // the app refuses. Were they counted, the gallery would be busy and its sale would queue last.
    const forged = await Promise.all(
      Array.from({ length: BUSY_COUNT + 10 }, (_, i) =>
        fetch(`${balancerUrl}/api/webhooks/quiet-gallery/conn-2?forged=${i}`, { method: "POST", body: "{}" }),
      ),
    );
    expect(forged.every((answer) => answer.status === 401)).toBe(true);

    // The noisy gallery's deliveries, stored: past the busy count in the window.
    const stored = Array.from({ length: BUSY_COUNT + 10 }, (_, i) =>
      send(`/api/webhooks/noisy-gallery/conn-1?early=${i}`),
    );
    await eventually("the noisy gallery's deliveries to be answered", async () => {
      while (web.holding > 0) web.releaseOne();
      return web.arrived.length === stored.length ? true : undefined;
    });
    const earlyAnswers = await Promise.all(stored);
    // The mark is for the balancer only: it never leaves.
    expect(earlyAnswers.every((answer) => answer.status === 200 && !answer.headers.has(STORED_DELIVERY_HEADER))).toBe(
      true,
    );

    // Its burst: the first REQUESTS_PER_INSTANCE fill the instance, the rest queue as a busy tenant's.
    expect(REQUESTS_PER_INSTANCE).toBeLessThan(BUSY_COUNT);
    const burst = REQUESTS_PER_INSTANCE + 8;
    const before = web.arrived.length;
    for (let i = 0; i < burst; i++) send(`/api/webhooks/noisy-gallery/conn-1?n=${i}`);
    await eventually("the instance to be full and the rest queued", async () =>
      web.holding === REQUESTS_PER_INSTANCE && (await queuedForWeb()) === burst - REQUESTS_PER_INSTANCE
        ? true
        : undefined,
    );

    // A quiet gallery's sale arrives last, behind the whole backlog.
    send("/api/webhooks/quiet-gallery/conn-2?sale=1");
    // And a person opens the dashboard.
    send("/api/trpc/connections.list");
    await eventually("the sale and the page to be queued too", async () =>
      (await queuedForWeb()) === burst - REQUESTS_PER_INSTANCE + 2 ? true : undefined,
    );

    // Two places free up: the instance is handed the sale and the page, not the busy tenant's next.
    web.releaseOne();
    web.releaseOne();
    await eventually("two more requests to reach the instance", async () =>
      web.arrived.length === before + REQUESTS_PER_INSTANCE + 2 ? true : undefined,
    );
    expect(web.arrived.slice(before + REQUESTS_PER_INSTANCE).sort()).toEqual([
      "/api/trpc/connections.list",
      "/api/webhooks/quiet-gallery/conn-2?sale=1",
    ]);

    // The busy tenant's backlog is still served, and nothing is refused but the forgeries.
    await eventually("the whole backlog to reach the instance", async () => {
      web.releaseOne();
      return web.arrived.length === before + burst + 2 ? true : undefined;
    });
    while (web.holding > 0) web.releaseOne();
    const statuses = await Promise.all(answers.map(async (answer) => (await answer).status));
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(web.refused).toBe(forged.length);
  });
});
