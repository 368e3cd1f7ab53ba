// The floor for the webhook benchmark: a bare node:http server that does what any webhook
// receiver must — read the body, check its HMAC in constant time, parse it, insert one row in
// PostgreSQL — and nothing else (no framework, no dedup, no queue hand-off). The row goes into
// the app's own WebhookEvent table, with all its indexes, for a tenant and connection of its own
// (BASELINE_TENANT_ID, BASELINE_CONNECTION_ID), as SKIPPED so the pipeline never picks it up.
// Started by the benchmark as its own process: BASELINE_PORT, DATABASE_URL and BASELINE_SECRET.
import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import pg from "pg";

const port = Number(process.env.BASELINE_PORT);
const secret = process.env.BASELINE_SECRET ?? "";
const tenantId = process.env.BASELINE_TENANT_ID ?? "";
const connectionId = process.env.BASELINE_CONNECTION_ID ?? "";
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    const expected = createHmac("sha256", secret).update(body).digest();
    const given = Buffer.from(String(request.headers["x-sam-signature"] ?? ""), "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      response.writeHead(401).end();
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      response.writeHead(400).end();
      return;
    }
    const id = randomUUID();
    const externalId = String((parsed as { data?: { sam_id?: unknown } }).data?.sam_id ?? "");
    pool
      .query(
        `INSERT INTO "WebhookEvent" (id, "tenantId", "connectionId", provider, "externalIds", "payloadHash", "signatureVerdict", status, payload)
         VALUES ($1, $2, $3, 'SAM', $4, $5, 'VALID', 'SKIPPED', $6)`,
        [id, tenantId, connectionId, [externalId], createHash("sha256").update(body).digest("hex"), parsed],
      )
      .then(() => {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id }));
      })
      .catch(() => response.writeHead(503).end());
  });
});
server.listen(port, "127.0.0.1", () => console.log(`baseline listening on ${port}`));
process.on("SIGTERM", () => server.close(() => void pool.end().then(() => process.exit(0))));
