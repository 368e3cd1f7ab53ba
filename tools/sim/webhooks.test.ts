import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnector, type SourceConnector } from "@/server/connectors";
import { createSimulator, type SimProvider, type Simulator } from "./index";

/** Each platform's webhook, as the simulator sends it, is signed correctly and normalises. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let sim: Simulator;
let receiver: Server;
let targetUrl: string;
const received: Received[] = [];
const SECRET = "whsec_test_0123456789";

beforeAll(async () => {
  sim = await createSimulator({ seed: 3 });
  for (const provider of ["sam", "shopify", "woocommerce", "bigcommerce", "bc"] as const)
    sim.stores.create({ provider, id: "g1", size: 20 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/api/webhooks/demo/c1`;
});
afterAll(async () => {
  await sim.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const hmac = (body: string, encoding: "hex" | "base64") => createHmac("sha256", SECRET).update(body).digest(encoding);

const cases: {
  provider: SimProvider;
  topic: (r: Received) => string;
  verify: (r: Received) => void;
  eventId?: (r: Received) => string | undefined;
}[] = [
  {
    provider: "sam",
    topic: () => "stock.changed",
    verify: (r) => expect(r.headers["x-sam-signature"]).toBe(hmac(r.body, "hex")),
  },
  {
    provider: "shopify",
    topic: (r) => String(r.headers["x-shopify-topic"]),
    verify: (r) => {
      expect(r.headers["x-shopify-hmac-sha256"]).toBe(hmac(r.body, "base64"));
      for (const name of [
        "x-shopify-webhook-id",
        "x-shopify-event-id",
        "x-shopify-shop-domain",
        "x-shopify-triggered-at",
      ])
        expect(r.headers[name]).toBeTruthy();
    },
    eventId: (r) => String(r.headers["x-shopify-event-id"]),
  },
  {
    provider: "woocommerce",
    topic: (r) => String(r.headers["x-wc-webhook-topic"]),
    verify: (r) => {
      expect(r.headers["x-wc-webhook-signature"]).toBe(hmac(r.body, "base64"));
      expect(r.headers).toMatchObject({
        "x-wc-webhook-resource": "product",
        "x-wc-webhook-event": "updated",
        "x-wc-webhook-id": "1",
      });
    },
    eventId: (r) => String(r.headers["x-wc-webhook-delivery-id"]),
  },
  {
    provider: "bigcommerce",
    topic: (r) => JSON.parse(r.body).scope,
    verify: (r) => expect(r.headers["x-stockhook-token"]).toBe(SECRET),
  },
  {
    provider: "bc",
    topic: () => "notification",
    verify: (r) => expect(JSON.parse(r.body).value[0].clientState).toBe(SECRET),
  },
];

describe.each(cases)("$provider webhooks", ({ provider, topic, verify, eventId }) => {
  it("a sale lowers the store's stock and arrives signed, in a shape the connector understands", async () => {
    const store = sim.stores.require(`${provider}:g1`);
    const sku = "ART-0003";
    const before = store.itemBySku(sku)!.quantity;
    received.length = 0;
    const result = await sim.emitWebhook({ store, kind: "restock", sku, quantity: 4, targetUrl, secret: SECRET });
    expect(result.status).toBe(200);
    await sim.emitWebhook({ store, kind: "sale", sku, targetUrl, secret: SECRET });
    expect(store.itemBySku(sku)!.quantity).toBe(before + 3);

    const delivery = received.at(-1)!;
    verify(delivery);
    const connector = createConnector(sim.connectorConfig(store)) as SourceConnector;
    const events = await connector.normalizeWebhook(topic(delivery), JSON.parse(delivery.body), {
      eventId: eventId?.(delivery),
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      externalId: sim.controls.item(store.key, sku)!.externalId,
      quantity: before + 3,
    });
    if (provider === "sam") expect(events[0]).toMatchObject({ reason: "sale", sku });
  });

  it("an adjustment sets an absolute level; a sale beyond stock is refused", async () => {
    const store = sim.stores.require(`${provider}:g1`);
    await sim.emitWebhook({ store, kind: "adjustment", sku: "ART-0010", quantity: 0, targetUrl, secret: SECRET });
    expect(store.itemBySku("ART-0010")!.quantity).toBe(0);
    await expect(sim.emitWebhook({ store, kind: "sale", sku: "ART-0010", targetUrl, secret: SECRET })).rejects.toThrow(
      /cannot sell/,
    );
  });
});
