import pg from "pg";
import { PrismaClient } from "@/generated/prisma/client";
import { eventDetail, listTimeline } from "@/server/event-log/timeline";
import { postgresAdapterFactory } from "@/server/database-adapter";
import { applyPendingMigrations } from "@/server/migrations/schema-engine";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { createThrowawayPostgres } from "@test-support/test-database";
import { round, summarise } from "../stats";
import { size, type BenchContext, type Scenario } from "../types";

/**
 * The event timeline on a tenant with a million webhook events (bulk-inserted with
 * generate_series, plus a tenth as many for four other tenants), measured with the query shapes
 * the timeline sends through Prisma and the tenant-scoped client: the first page newest first,
 * filtered by status and connection, the second page by cursor, and a search by external id
 * (array containment). Each query's p95 over repeated runs, and its EXPLAIN (ANALYZE) plan.
 */

async function seed(client: pg.Client, tenantId: string, connectionIds: string[], count: number, prefix: string) {
  // Newest first every 3 s back from now; connections 1 and 2 share them, the third has 0.1%; 1% FAILED, 10% SKIPPED, 2% DUPLICATE, the rest APPLIED;
  // external ids cycle over 50,000 products, so each id is in about count/50,000 events.
  await client.query(
    `INSERT INTO "WebhookEvent" ("id", "tenantId", "connectionId", "provider", "topic", "deliveryId", "externalIds", "payloadHash", "signatureVerdict", "responseStatus", "status", "attempts", "action", "receivedAt", "completedAt", "itemId", "payload")
     SELECT $1 || g, $2, CASE WHEN g % 1000 = 0 THEN ($3::text[])[3] ELSE ($3::text[])[1 + g % 2] END, 'SAM', 'stock.changed', 'd' || g, ARRAY[(100000 + g % 50000)::text], md5(g::text), 'VALID', 200,
            (CASE WHEN g % 100 = 0 THEN 'FAILED' WHEN g % 10 = 1 THEN 'SKIPPED' WHEN g % 50 = 2 THEN 'DUPLICATE' ELSE 'APPLIED' END)::"WebhookStatus",
            1, 'qty 2 → 1', now() - g * interval '3 seconds', now() - g * interval '3 seconds' + interval '200 milliseconds',
            $2 || '_item' || (g % 50000),
            jsonb_build_object('changes', '[]'::jsonb, 'body', jsonb_build_object('event', 'stock.changed', 'data', jsonb_build_object('sku', 'ART-' || lpad((g % 50000)::text, 5, '0'), 'id', (100000 + g % 50000)::text, 'qty', g % 7)))
     FROM generate_series(1, $4::int) AS g`,
    [prefix, tenantId, connectionIds, count],
  );
}

/** 50,000 items per tenant (SKU ART-00000…ART-49999), each linked to its external id on the first connection. */
async function seedItems(client: pg.Client, tenantId: string, connectionId: string) {
  await client.query(
    `INSERT INTO "Item" ("id", "tenantId", "sku", "title", "updatedAt")
     SELECT $1 || '_item' || g, $1, 'ART-' || lpad(g::text, 5, '0'), 'Artwork ' || g, now() FROM generate_series(0, 49999) AS g`,
    [tenantId],
  );
  await client.query(
    `INSERT INTO "ItemLink" ("id", "tenantId", "itemId", "connectionId", "externalId")
     SELECT $1 || '_link' || g, $1, $1 || '_item' || g, $2, (100000 + g)::text FROM generate_series(0, 49999) AS g`,
    [tenantId, connectionId],
  );
}

export const dashboard: Scenario = {
  name: "dashboard",
  describe:
    "event timeline first page, filters, cursor page and external-id search on a tenant with 1,000,000 events: p95 and EXPLAIN plans",
  needsStack: false,
  async run(context: BenchContext) {
    const { log } = context;
    const events = size("BENCH_DASHBOARD_EVENTS", 1_000_000, 200_000, context);
    const repeats = size("BENCH_DASHBOARD_REPEATS", 40, 20, context);
    const database = await createThrowawayPostgres(process.env.DATABASE_URL!, "stockhook_bench");
    const factory = postgresAdapterFactory(database.url);
    const client = new pg.Client({ connectionString: database.url });
    const captured: { query: string; params: string }[] = [];
    const prisma = new PrismaClient({ adapter: factory, log: [{ emit: "event", level: "query" }] });
    prisma.$on("query", (event) => captured.push({ query: event.query, params: event.params }));
    try {
      await applyPendingMigrations(factory);
      await client.connect();
      const tenants = [];
      for (let t = 0; t < 5; t++) {
        const tenant = await prisma.tenant.create({
          data: { slug: `dash-${t}`, name: `Dashboard ${t}`, kind: "GALLERY" },
        });
        const connections = [];
        for (const name of ["SAM", "Shop", "Outlet"])
          connections.push(
            await prisma.connection.create({
              data: { tenantId: tenant.id, provider: "SAM", direction: "SOURCE", name, baseUrl: "http://127.0.0.1:9" },
            }),
          );
        tenants.push({ tenant, connections });
      }
      const seeded = performance.now();
      log(`dashboard: inserting ${events} events for the measured tenant and ${events / 10} for four others…`);
      for (const { tenant, connections } of tenants) await seedItems(client, tenant.id, connections[0]!.id);
      await seed(
        client,
        tenants[0]!.tenant.id,
        tenants[0]!.connections.map((c) => c.id),
        events,
        "ev0_",
      );
      for (let t = 1; t < 5; t++)
        await seed(
          client,
          tenants[t]!.tenant.id,
          tenants[t]!.connections.map((c) => c.id),
          events / 40,
          `ev${t}_`,
        );
      await client.query(`ANALYZE "WebhookEvent"; ANALYZE "Item"; ANALYZE "ItemLink"`);
      const seedSeconds = round((performance.now() - seeded) / 1000);
      log(`dashboard: seeded and analysed in ${seedSeconds} s`);

      const { tenant, connections } = tenants[0]!;
      const db = scopeToTenant(prisma, tenant.id);
      // The timeline's own code path (src/server/event-log/timeline.ts), as the Events page calls it.
      const firstPage = await listTimeline(db, {});
      const cursor = firstPage.nextCursor!;
      const shapes: { name: string; run: () => Promise<unknown> }[] = [
        { name: "first page, newest first", run: () => listTimeline(db, {}) },
        { name: "second page (cursor)", run: () => listTimeline(db, {}, cursor) },
        { name: "status FAILED", run: () => listTimeline(db, { status: ["FAILED"] }) },
        { name: "one connection", run: () => listTimeline(db, { connectionId: connections[1]!.id }) },
        {
          name: "a quiet connection (0.1% of events)",
          run: () => listTimeline(db, { connectionId: connections[2]!.id }),
        },
        {
          name: "status FAILED + one connection",
          run: () => listTimeline(db, { status: ["FAILED"], connectionId: connections[1]!.id }),
        },
        {
          name: "last hour, signature INVALID",
          run: () => listTimeline(db, { verdict: "INVALID", from: new Date(Date.now() - 3_600_000) }),
        },
        { name: "search: an external id", run: () => listTimeline(db, { search: "123456" }) },
        { name: "search: a delivery id", run: () => listTimeline(db, { search: "d4242" }) },
        // The drawer's one server call (tRPC event.byId), warm: everything it shows about one event.
        { name: "drawer: event detail (warm)", run: () => eventDetail(db, firstPage.events[7]!.id) },
        { name: "search: nothing matches", run: () => listTimeline(db, { search: "no-such-id" }) },
        { name: "search: a SKU in lower case", run: () => listTimeline(db, { search: "art-01234" }) },
        { name: "search: part of a SKU", run: () => listTimeline(db, { search: "T-0123" }) },
        { name: "search: part of a delivery id", run: () => listTimeline(db, { search: "4242" }) },
        {
          name: "payload search: data.sku = ART-01234",
          run: () => listTimeline(db, { search: "data.sku = ART-01234" }, null, undefined, prisma),
        },
      ];
      const figures = [];
      const plans: Record<string, string> = {};
      for (const shape of shapes) {
        for (let i = 0; i < 3; i++) await shape.run();
        const times: number[] = [];
        for (let i = 0; i < repeats; i++) {
          const started = performance.now();
          await shape.run();
          times.push(performance.now() - started);
        }
        captured.length = 0;
        await shape.run();
        // The statement that reads WebhookEvent (Prisma sends the connection join separately).
        const statement =
          captured.find((entry) => entry.query.includes("@>") && entry.query.includes("payload")) ??
          captured.find((entry) => entry.query.includes(`"WebhookEvent"`)) ??
          captured[0]!;
        const params = JSON.parse(statement.params) as unknown[];
        const explained = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.query}`, params);
        plans[shape.name] = [
          statement.query,
          ...explained.rows.map((row: Record<string, string>) => row["QUERY PLAN"]),
        ].join("\n");
        const summary = summarise(times);
        log(`dashboard: ${shape.name}: p50 ${summary.p50} ms, p95 ${summary.p95} ms`);
        figures.push({
          scenario: "dashboard",
          name: `${shape.name}: p50 / p95`,
          value: `${summary.p50} / ${summary.p95}`,
          unit: "ms",
          target: "p95 ≤ 100 ms",
          met: summary.p95 <= 100,
        });
      }
      for (const [name, plan] of Object.entries(plans)) console.log(`\n[bench] dashboard plan — ${name}:\n${plan}`);
      return { figures, details: { events, repeats, seedSeconds, plans } };
    } finally {
      await prisma.$disconnect();
      await client.end().catch(() => undefined);
      await database.drop();
    }
  },
};
