// npx tsx --conditions=react-server scripts/drawer-latency.ts — how long opening the event drawer
// takes on the server, warm: `event.byId` through the tRPC caller (session, membership and tenant
// middleware included) and `eventDetail` alone, for an event with a 1 KiB body and one at the
// 1 MiB body limit, among DRAWER_EVENTS (default 200,000) events. Needs DATABASE_URL (a server
// where a throwaway database may be created). The Inngest run status is a separate request the
// drawer makes after this one, so it is not part of the figure.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { PrismaClient } from "@/generated/prisma/client";
import { createCaller } from "@/server/api/root";
import { createTRPCContext, TENANT_HEADER } from "@/server/api/trpc";
import { postgresAdapterFactory } from "@/server/database-adapter";
import { eventDetail } from "@/server/event-log/timeline";
import { applyPendingMigrations } from "@/server/migrations/schema-engine";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { createThrowawayPostgres } from "@test-support/test-database";
import { summarise } from "../bench/stats";

// The tRPC context reads the app's settings; this throwaway run needs only placeholders.
process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");
process.env.STOCKHOOK_ENCRYPTION_KEYS ??= `bench:${randomBytes(32).toString("base64")}`;

const EVENTS = Number(process.env.DRAWER_EVENTS ?? 200_000);
const RUNS = Number(process.env.DRAWER_RUNS ?? 200);

const database = await createThrowawayPostgres(process.env.DATABASE_URL!, "stockhook_drawer");
const factory = postgresAdapterFactory(database.url);
const prisma = new PrismaClient({ adapter: factory });
const client = new pg.Client({ connectionString: database.url });
try {
  await applyPendingMigrations(factory);
  await client.connect();
  const tenant = await prisma.tenant.create({ data: { slug: "drawer", name: "Drawer", kind: "GALLERY" } });
  const user = await prisma.user.create({ data: { email: "drawer@bench.test", name: "Drawer" } });
  await prisma.membership.create({ data: { tenantId: tenant.id, userId: user.id, role: "OWNER" } });
  const [source, shop, outlet] = await Promise.all(
    ["SAM", "Shop", "Outlet"].map((name) =>
      prisma.connection.create({
        data: { tenantId: tenant.id, provider: "SAM", direction: "SOURCE", name, baseUrl: "http://127.0.0.1:9" },
      }),
    ),
  );
  const item = await prisma.item.create({ data: { tenantId: tenant.id, sku: "ART-0001", title: "Art", quantity: 0 } });
  // Every event carries its request as sent: ~1 KiB of body and 8 headers, as a real delivery would.
  await client.query(
    `INSERT INTO "WebhookEvent" ("id", "tenantId", "connectionId", "provider", "topic", "deliveryId", "externalIds", "payloadHash", "signatureVerdict", "status", "receivedAt", "payload", "requestHeaders", "rawBody")
     SELECT 'ev' || g, $1, $2, 'SAM', 'stock.changed', 'd' || g, ARRAY[(100000 + g % 50000)::text], md5(g::text), 'VALID', 'APPLIED',
            now() - g * interval '3 seconds', jsonb_build_object('changes', '[]'::jsonb, 'body', jsonb_build_object('n', g)),
            jsonb_build_object('content-type', 'application/json', 'user-agent', 'SAM/1.0', 'x-sam-signature', md5(g::text) || md5(g::text), 'x-sam-event', 'stock.changed'),
            convert_to(repeat('{"pad":"' || md5(g::text) || '"}', 24), 'UTF8')
     FROM generate_series(1, $3::int) AS g`,
    [tenant.id, source!.id, EVENTS],
  );
  const bodyOf = (bytes: number) => Buffer.from(JSON.stringify({ data: "x".repeat(bytes - 12) }));
  const measured: Record<string, string> = {};
  for (const [label, body] of [
    ["1 KiB body", bodyOf(1024)],
    ["1 MiB body (the limit)", bodyOf(1024 * 1024)],
  ] as const) {
    const event = await prisma.webhookEvent.create({
      data: {
        tenantId: tenant.id,
        connectionId: source!.id,
        provider: "SAM",
        payloadHash: "0".repeat(64),
        signatureVerdict: "VALID",
        status: "APPLIED",
        itemId: item.id,
        payload: { changes: [], body: JSON.parse(body.toString()) },
        requestHeaders: { "content-type": "application/json", "x-sam-signature": "f".repeat(64) },
        rawBody: body,
      },
    });
    for (const connection of [shop!, outlet!]) {
      const push = await prisma.channelPush.create({
        data: {
          tenantId: tenant.id,
          connectionId: connection.id,
          itemId: item.id,
          webhookEventId: event.id,
          quantity: 0,
          status: "SOLD",
          state: "SUCCEEDED",
          attempts: 2,
        },
      });
      for (let n = 1; n <= 2; n++)
        await prisma.pipelineAttempt.create({
          data: {
            tenantId: tenant.id,
            kind: "PUSH",
            webhookEventId: event.id,
            channelPushId: push.id,
            connectionId: connection.id,
            number: n,
            outcome: n === 1 ? "FAILED" : "SUCCEEDED",
            startedAt: new Date(),
          },
        });
    }
    await prisma.stockChange.create({
      data: {
        tenantId: tenant.id,
        itemId: item.id,
        quantityBefore: 1,
        quantityAfter: 0,
        statusBefore: "AVAILABLE",
        statusAfter: "SOLD",
        source: "webhook",
        webhookEventId: event.id,
      },
    });
    measured[label] = event.id;
  }
  await client.query(`ANALYZE`);

  const db = scopeToTenant(prisma, tenant.id);
  const caller = createCaller(
    createTRPCContext({
      headers: new Headers({ [TENANT_HEADER]: tenant.slug }),
      prisma,
      session: { user: { id: user.id } },
    }),
  );
  const time = async (run: () => Promise<unknown>) => {
    for (let i = 0; i < 10; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    return summarise(times);
  };
  const rows = [];
  for (const [label, id] of Object.entries(measured)) {
    rows.push({ call: `event.byId (tRPC caller), ${label}`, ...(await time(() => caller.event.byId({ id }))) });
    rows.push({ call: `eventDetail, ${label}`, ...(await time(() => eventDetail(db, id))) });
  }
  console.log(
    `Drawer open, server side, warm; ${EVENTS.toLocaleString("en")} events in the tenant; ms over ${RUNS} runs`,
  );
  console.table(rows);
} finally {
  await client.end().catch(() => undefined);
  await prisma.$disconnect();
  await database.drop();
}
