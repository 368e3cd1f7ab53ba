import { readFileSync } from "node:fs";
import pg from "pg";
import { eventually, type Stack } from "../integration/harness";
import type { Simulator } from "@sim";
import { createShopTenant, DELIVERED_STATUSES, FINAL_STATUSES } from "../integration/fixtures";

/**
 * Shared by the reliability suite. RELIABILITY_SHORT=1 (CI) shortens outages and loads; the
 * faults and the assertions are the same either way.
 */
export const SHORT = process.env.RELIABILITY_SHORT === "1";

/**
 * Waits until every one of these events is in a final state, then requires each to have been
 * delivered (APPLIED, STALE, or DUPLICATE for a copy), never FAILED; returns their rows.
 */
export async function waitUntilFinal(stack: Stack, ids: string[], timeoutMs: number) {
  const rows = await eventually(
    `${ids.length} acknowledged events to reach a final state`,
    async () => {
      const rows = await stack.prisma.webhookEvent.findMany({
        where: { id: { in: ids } },
        select: { id: true, status: true, deliveryId: true, error: true },
      });
      const pending = rows.filter((row) => !(FINAL_STATUSES as readonly string[]).includes(row.status));
      return rows.length === ids.length && pending.length === 0 ? rows : undefined;
    },
    timeoutMs,
  );
  const undelivered = rows.filter((row) => !(DELIVERED_STATUSES as readonly string[]).includes(row.status));
  if (undelivered.length)
    throw new Error(
      `${undelivered.length} of ${ids.length} acknowledged events ended undelivered: ${JSON.stringify(undelivered.slice(0, 5))}`,
    );
  return rows;
}

/** Every stock change a webhook event made, counted per event: "processed exactly once" is ≤ 1 each. */
export async function stockChangesPerEvent(stack: Stack, ids: string[]) {
  const rows = await stack.prisma.stockChange.groupBy({
    by: ["webhookEventId"],
    where: { webhookEventId: { in: ids } },
    _count: true,
  });
  return new Map(rows.map((row) => [row.webhookEventId!, row._count]));
}

/**
 * Looks for any plaintext secret in the app's log (its JSON lines and the Inngest server's output,
 * whole lines as the harness keeps them), in every response body the test kept, and in
 * every row of every table of the database (each row as JSON text).
 */
export async function findPlaintextSecrets(
  stack: Stack,
  secrets: string[],
  options: { logFile: string; responses: string[] },
) {
  const wanted = secrets.filter((secret) => secret.length >= 8);
  const found: string[] = [];
  const log = readFileSync(options.logFile, "utf8");
  // The app writes JSON lines (src/server/logger.ts), the Inngest functions' lines among them:
  // none at all would mean the scan below looked at the wrong output.
  if (!/^\[app\] \{"level":/m.test(log)) found.push("the app log has none of the app's JSON log lines");
  for (const secret of wanted) {
    if (log.includes(secret)) found.push(`app log contains ${secret.slice(0, 4)}…`);
    if (options.responses.some((body) => body.includes(secret)))
      found.push(`a response contains ${secret.slice(0, 4)}…`);
  }
  const client = new pg.Client({ connectionString: stack.env.DATABASE_URL });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    for (const { table_name: table } of tables.rows) {
      for (const secret of wanted) {
        const hits = await client.query(
          `SELECT count(*)::int AS n FROM "${table}" AS t WHERE strpos(row_to_json(t)::text, $1) > 0`,
          [secret],
        );
        if ((hits.rows[0] as { n: number }).n > 0) found.push(`table ${table} contains ${secret.slice(0, 4)}…`);
      }
    }
  } finally {
    await client.end();
  }
  return found;
}

/** The secrets of the stack itself: the encryption keys and the session secret. */
export function stackSecrets(stack: Stack): string[] {
  const keys = (stack.env.STOCKHOOK_ENCRYPTION_KEYS ?? "").split(",").map((entry) => entry.split(":")[1] ?? "");
  return [...keys, stack.env.AUTH_SECRET ?? ""].filter(Boolean);
}

/**
 * A SAM tenant whose catalogue drifted by +5 on every hundredth item, with a full reconcile
 * started against a source rate-limited to 3 pages a second; resolves once it has read 3 pages.
 */
export async function startDriftedReconcile(stack: Stack, sim: Simulator, items: number) {
  const tenant = await createShopTenant(stack, sim, { items, channel: false });
  const drifted: { sku: string; quantity: number }[] = [];
  for (let k = 0; k < items / 100; k++) {
    const view = sim.controls.items(tenant.samStoreKey, { offset: k * 100 + 7, limit: 1 })[0]!;
    const quantity = view.quantity + 5;
    sim.controls.setItem(tenant.samStoreKey, view.sku, { quantity });
    drifted.push({ sku: view.sku, quantity });
  }
  sim.controls.set(tenant.samStoreKey, { rateLimit: { limit: 3, windowMs: 1_000 } });
  sim.controls.resetRequests(tenant.samStoreKey);
  await stack.sendEvent({
    name: "stock/reconcile.requested",
    data: { tenantId: tenant.tenantId, connectionId: tenant.samConnectionId, mode: "full", trigger: "MANUAL" },
  });
  const pagesBefore = await eventually(
    "the reconcile to get a few pages in",
    async () => {
      const run = await stack.prisma.syncRun.findFirst({ where: { connectionId: tenant.samConnectionId } });
      return run && run.pages >= 3 ? run.pages : undefined;
    },
    120_000,
  );
  return { tenant, drifted, pagesBefore };
}
