import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { demoCatalogue } from "@/server/demo/demo-catalogue";
import { Catalogue } from "./catalogue";
import { runSimCli } from "./cli";
import { createSimulator, demoStoreSpecs, type Simulator } from "./index";

let sim: Simulator | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await sim?.close();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  sim = receiver = undefined;
});

async function countingReceiver(): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  receiver = createServer((_req, res) => {
    hits += 1;
    res.writeHead(202).end();
  });
  await new Promise<void>((resolve) => receiver!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`, hits: () => hits };
}

describe("catalogue", () => {
  it("is deterministic from its seed at 50,000 items", () => {
    // How long building it takes is a benchmark's business, not a test's (CI shares its cores).
    const big = new Catalogue({ size: 50_000, seed: 42 });
    expect(big.item(6)).toEqual(new Catalogue({ size: 50_000, seed: 42 }).item(6));
    expect(big.item(6)?.sku).toBe("ART-0007");
    expect(big.item(49_999)?.sku).toBe("ART-50000");
    expect(new Catalogue({ size: 10, seed: 43 }).item(6)?.title).not.toBe(big.item(6)?.title);
    expect(big.indexOfSku("ART-0007")).toBe(6);
  });

  it("holds the demo tenant's pieces under the ids its item links use", async () => {
    sim = await createSimulator({ stores: demoStoreSpecs() });
    for (const expected of demoCatalogue()) {
      expect(sim.controls.item("sam:demo", expected.sku)).toMatchObject({
        externalId: expected.samId,
        quantity: expected.quantity,
        unique: expected.oneOfAKind,
      });
      expect(sim.controls.item("woocommerce:demo", expected.sku)?.externalId).toBe(expected.wooProductId);
      expect(sim.controls.item("shopify:demo", expected.sku)?.externalId).toBe(expected.shopifyInventoryItemId);
    }
  });
});

describe("control API over HTTP", () => {
  it("switches faults, reads and sets stock, counts requests and emits webhooks", async () => {
    sim = await createSimulator();
    const base = `${sim.url}/_control`;
    const post = (path: string, body: unknown, method = "POST") =>
      fetch(`${base}${path}`, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post("/stores", { provider: "woocommerce", id: "w1", size: 30 })).status).toBe(201);
    const { connector } = (await (await fetch(`${base}/woocommerce:w1`)).json()) as {
      connector: { credentials: { consumerKey: string; consumerSecret: string } };
    };
    const auth = `Basic ${Buffer.from(`${connector.credentials.consumerKey}:${connector.credentials.consumerSecret}`).toString("base64")}`;
    const list = () => fetch(`${sim!.url}/woocommerce/w1/wp-json/wc/v3/products`, { headers: { authorization: auth } });

    expect((await list()).status).toBe(200);
    expect((await post("/woocommerce:w1", { outage: "error", outageStatus: 502 })).status).toBe(200);
    expect((await list()).status).toBe(502);
    expect((await post("/w1", { outage: "none", rateLimit: { limit: 1, windowMs: 60_000 } })).status).toBe(200);
    expect((await list()).status).toBe(200);
    const limited = await list();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await post("/w1", { bogus: true })).status).toBe(400);

    expect((await post("/w1/items/ART-0007", { quantity: 9 }, "PATCH")).status).toBe(200);
    expect(await (await fetch(`${base}/w1/items/ART-0007`)).json()).toMatchObject({
      sku: "ART-0007",
      quantity: 9,
      externalId: "507",
    });
    const stats = (await (await fetch(`${base}/w1/requests`)).json()) as {
      byKind: Record<string, number>;
      byStatus: Record<string, number>;
    };
    expect(stats.byKind).toMatchObject({ "woocommerce:products.list": 2, "outage:error": 1, rate_limited: 1 });

    const target = await countingReceiver();
    const emitted = await post("/w1/webhooks", {
      kind: "sale",
      sku: "ART-0007",
      quantity: 2,
      targetUrl: target.url,
      secret: "s3cret",
    });
    expect(await emitted.json()).toMatchObject({ status: 202, quantityAfter: 7 });
    expect(target.hits()).toBe(1);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

describe("sim CLI", () => {
  it("emits through a running simulator so its stock changes too", async () => {
    sim = await createSimulator({ stores: demoStoreSpecs() });
    const target = await countingReceiver();
    const lines: string[] = [];
    const code = await runSimCli(
      ["sale", "--store", "sam:demo", "--sku", "ART-0007", "--url", target.url, "--secret", "s3cret"],
      { env: { SIM_URL: sim.url }, log: (line) => lines.push(line) },
    );
    expect(code).toBe(0);
    expect(lines.join("\n")).toMatch(/HTTP 202/);
    expect(sim.controls.item("sam:demo", "ART-0007")?.quantity).toBe(0);
  });

  it("resolves --tenant through the pluggable resolver, and falls back to a local store", async () => {
    const target = await countingReceiver();
    const asked: unknown[] = [];
    const resolveTarget = async (query: unknown) => {
      asked.push(query);
      return { url: target.url, secret: "s3cret" };
    };
    const lines: string[] = [];
    const code = await runSimCli(
      ["restock", "--store", "woocommerce:demo", "--sku", "PRINT-001", "--qty", "3", "--tenant", "demo"],
      { resolveTarget, env: { SIM_URL: "http://127.0.0.1:9" }, log: (line) => lines.push(line) },
    );
    expect(code).toBe(0);
    expect(asked).toEqual([{ tenant: "demo", provider: "woocommerce", storeId: "demo" }]);
    expect(lines.join("\n")).toMatch(/no simulator running.*HTTP 202/);
    expect(await runSimCli(["sale", "--store", "sam:demo"], { log: () => {} })).toBe(2);
  });
});
