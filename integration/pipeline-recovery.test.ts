import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeyring } from "@/server/crypto/secret-box";
import { ConnectionDirectory } from "@/server/inbound/connection-directory";
import { ingestWebhook } from "@/server/inbound/ingest";
import { KnownSourceAddresses } from "@/server/inbound/known-sources";
import { RateLimiter } from "@/server/inbound/rate-limiter";
import { SigningSecretCache } from "@/server/inbound/signing-secrets";
import { createSimulator, type Simulator } from "@sim";
import { createShopTenant, signedSamDelivery, type ShopTenant } from "./fixtures";
import { eventually, startStack, type Stack } from "./harness";

/**
 * What the pipeline does on its own, through the real Inngest server's cron and queue: the
 * sweeper re-sending an event stuck for 30 minutes, one whose run the server lost and a storefront
 * push whose run the server lost, reconcile
 * requests coalesced to one run per connection, and an incremental reconcile.
 */
let stack: Stack;
let sim: Simulator;
let shop: ShopTenant;
/** The sweeper runs once a minute: two sweeps and the processing after (inside the test's own timeout). */
const SWEEP_MS = 150_000;
const SWEEP_TEST_TIMEOUT_MS = 200_000;

beforeAll(async () => {
  sim = await createSimulator();
  stack = await startStack({ allow: [sim.url] });
  shop = await createShopTenant(stack, sim, { items: 10 });
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  await sim?.close();
});

/**
 * Stores a delivery the way the webhook route does (same code, same database) without handing
 * it to Inngest, as when the hand-over was lost: the event is QUEUED and nothing runs for it.
 */
async function storeWithoutHandOver(index: number, stock: number): Promise<string> {
  const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
  const delivery = signedSamDelivery(shop.signingSecret, {
    eventId: `recovery-${randomUUID()}`,
    samId: shop.samIdOf(index),
    stock,
  });
  const answer = await ingestWebhook(
    {
      prisma: stack.prisma,
      connections: new ConnectionDirectory(stack.prisma),
      secrets: new SigningSecretCache(stack.prisma, () => keyring),
      rateLimiter: new RateLimiter(100, 100),
      sourceLimiter: new RateLimiter(100, 100),
      rejectionLimiter: new RateLimiter(100, 100),
      knownSources: new KnownSourceAddresses(stack.prisma),
      sendEvent: async () => undefined,
      log: () => undefined,
    },
    {
      tenantSlug: shop.slug,
      connectionId: shop.samConnectionId,
      headers: new Headers(delivery.headers),
      query: new URLSearchParams(),
      contentLength: delivery.body.length,
      sourceAddress: "127.0.0.1",
      readBody: async () => Buffer.from(delivery.body),
    },
  );
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.body) as { id: string }).id;
}

async function storefrontQuantity(index: number) {
  const sku = sim.controls.items(shop.samStoreKey, { offset: index, limit: 1 })[0]!.sku;
  return sim.controls.item(shop.wooStoreKey!, sku)?.quantity;
}

describe("the sweeper", () => {
  it(
    "re-sends an event handed over 30 minutes ago and never processed, and the storefront gets it",
    async () => {
      const id = await storeWithoutHandOver(1, 41);
      const longAgo = new Date(Date.now() - 31 * 60_000);
      await stack.prisma.webhookEvent.update({ where: { id }, data: { receivedAt: longAgo, sentAt: longAgo } });
      const done = await eventually(
        "the stuck event to be applied",
        async () => {
          const row = await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id } });
          return row.status === "APPLIED" ? row : undefined;
        },
        SWEEP_MS,
      );
      expect(done.inngestRunId).toBeTruthy();
      await eventually(
        "the storefront to show 41",
        async () => ((await storefrontQuantity(1)) === 41 ? true : undefined),
        30_000,
      );
    },
    SWEEP_TEST_TIMEOUT_MS,
  );

  it(
    "re-sends an event PROCESSING for over a minute whose run the Inngest server does not know",
    async () => {
      const id = await storeWithoutHandOver(2, 42);
      // As a dev server that died mid-run leaves it: claimed by a run nobody will finish.
      const lostRun = "01KC0000000000000000000000";
      await stack.prisma.webhookEvent.update({
        where: { id },
        data: { status: "PROCESSING", inngestRunId: lostRun, sentAt: new Date(Date.now() - 2 * 60_000) },
      });
      const done = await eventually(
        "the orphaned event to be applied",
        async () => {
          const row = await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id } });
          return row.status === "APPLIED" ? row : undefined;
        },
        SWEEP_MS,
      );
      expect(done.inngestRunId).not.toBe(lostRun);
      await eventually(
        "the storefront to show 42",
        async () => ((await storefrontQuantity(2)) === 42 ? true : undefined),
        30_000,
      );
    },
    SWEEP_TEST_TIMEOUT_MS,
  );

  it(
    "hands a storefront push whose run the Inngest server does not know back to push-item, and the storefront gets it",
    async () => {
      const sku = sim.controls.items(shop.samStoreKey, { offset: 3, limit: 1 })[0]!.sku;
      const item = await stack.prisma.item.update({
        where: { tenantId_sku: { tenantId: shop.tenantId, sku } },
        data: { quantity: 43, status: "AVAILABLE" },
      });
      // As a dev server that died mid-push leaves it: taken by a run nobody will finish, its attempt long due.
      const lostRun = "01KC0000000000000000000001";
      const push = await stack.prisma.channelPush.create({
        data: {
          tenantId: shop.tenantId,
          connectionId: shop.wooConnectionId!,
          itemId: item.id,
          quantity: 43,
          status: "AVAILABLE",
          inngestRunId: lostRun,
          attempts: 1,
          runAttempt: 1,
          lastAttemptAt: new Date(Date.now() - 2 * 60_000),
          createdAt: new Date(Date.now() - 2 * 60_000),
        },
      });
      const started = performance.now();
      const done = await eventually(
        "the orphaned push to be delivered",
        async () => {
          const row = await stack.prisma.channelPush.findUniqueOrThrow({ where: { id: push.id } });
          return row.state === "SUCCEEDED" ? row : undefined;
        },
        SWEEP_MS,
      );
      expect(done.inngestRunId).not.toBe(lostRun);
      expect(await storefrontQuantity(3)).toBe(43);
      console.log(
        `[integration] orphaned push re-sent and delivered ${Math.round((performance.now() - started) / 1000)} s after it was left`,
      );
    },
    SWEEP_TEST_TIMEOUT_MS,
  );

  it(
    "sends a storefront push whose event no run ever took as a bulk push, and the storefront gets it",
    async () => {
      const sku = sim.controls.items(shop.samStoreKey, { offset: 4, limit: 1 })[0]!.sku;
      const item = await stack.prisma.item.update({
        where: { tenantId_sku: { tenantId: shop.tenantId, sku } },
        data: { quantity: 44, status: "AVAILABLE" },
      });
      // As a dev server that restarted before any run took the push's event leaves it: written, never attempted.
      const push = await stack.prisma.channelPush.create({
        data: {
          tenantId: shop.tenantId,
          connectionId: shop.wooConnectionId!,
          itemId: item.id,
          quantity: 44,
          status: "AVAILABLE",
          createdAt: new Date(Date.now() - 11 * 60_000),
        },
      });
      const started = performance.now();
      const done = await eventually(
        "the unstarted push to be delivered",
        async () => {
          const row = await stack.prisma.channelPush.findUniqueOrThrow({ where: { id: push.id } });
          return row.state === "SUCCEEDED" ? row : undefined;
        },
        SWEEP_MS,
      );
      expect(done.inngestRunId).not.toBeNull();
      expect(await storefrontQuantity(4)).toBe(44);
      console.log(
        `[integration] unstarted push re-sent and delivered ${Math.round((performance.now() - started) / 1000)} s after it was found`,
      );
    },
    SWEEP_TEST_TIMEOUT_MS,
  );
});

describe("reconciles", () => {
  let source: ShopTenant;
  const reconcile = (mode: "full" | "incremental") =>
    stack.sendEvent({
      name: "stock/reconcile.requested",
      data: { tenantId: source.tenantId, connectionId: source.samConnectionId, mode, trigger: "MANUAL" },
    });
  const finishedRuns = () =>
    stack.prisma.syncRun.findMany({
      where: { connectionId: source.samConnectionId, status: { in: ["SUCCEEDED", "FAILED"] } },
      orderBy: { startedAt: "asc" },
    });

  it("coalesces requests while one runs into that run: one run per connection", async () => {
    source = await createShopTenant(stack, sim, { items: 2_000, channel: false });
    // Two list requests a second: the first run is still going when the other requests arrive.
    sim.controls.set(source.samStoreKey, { rateLimit: { limit: 2, windowMs: 1_000 } });
    for (let i = 0; i < 3; i++) await reconcile("full");
    await eventually(
      "the first run to finish",
      async () => ((await finishedRuns()).length >= 1 ? true : undefined),
      120_000,
    );
    // A request after it has finished starts a new run: the signal that nothing else was queued.
    await reconcile("full");
    await eventually(
      "the second run to finish",
      async () => ((await finishedRuns()).length >= 2 ? true : undefined),
      120_000,
    );
    const runs = await stack.prisma.syncRun.findMany({ where: { connectionId: source.samConnectionId } });
    expect(runs.map((run) => run.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    sim.controls.reset(source.samStoreKey);
  }, 300_000);

  it("an incremental reconcile reads only what changed since the last run, and applies it", async () => {
    const changed = [3, 500, 1_500].map((offset) => {
      const view = sim.controls.items(source.samStoreKey, { offset, limit: 1 })[0]!;
      sim.controls.setItem(source.samStoreKey, view.sku, { quantity: view.quantity + 4 });
      return { sku: view.sku, quantity: view.quantity + 4 };
    });
    const before = (await finishedRuns()).length;
    await reconcile("incremental");
    await eventually(
      "the incremental run to finish",
      async () => ((await finishedRuns()).length > before ? true : undefined),
      120_000,
    );
    const run = (await finishedRuns()).at(-1)!;
    expect(run).toMatchObject({ status: "SUCCEEDED", mode: "INCREMENTAL", itemsChanged: changed.length });
    expect(run.itemsScanned).toBeLessThan(2_000);
    const items = await stack.prisma.item.findMany({
      where: { tenantId: source.tenantId, sku: { in: changed.map((c) => c.sku) } },
      select: { sku: true, quantity: true },
    });
    expect(Object.fromEntries(items.map((item) => [item.sku, item.quantity]))).toEqual(
      Object.fromEntries(changed.map((c) => [c.sku, c.quantity])),
    );
  }, 180_000);
});
