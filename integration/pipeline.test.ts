import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeSecret } from "@/server/crypto/secret-store";
import { lookupInngestRun } from "@/server/event-log/inngest-run";
import { parseKeyring } from "@/server/crypto/secret-box";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { eventually, startStack, type Stack } from "./harness";

/**
 * The durable pipeline against the real Inngest dev server, the production app and PostgreSQL.
 * Every delivery here goes to Inngest alone (WEBHOOK_ARRIVAL_ATTEMPTS=0), so the Inngest run is
 * what applies the sale; storefront.test.ts follows a sale applied on arrival.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ env: { WEBHOOK_ARRIVAL_ATTEMPTS: "0" } });
}, 180_000);
afterAll(() => stack?.stop());

describe("the real Inngest server", () => {
  it("delivers an event and retries a failing function until it succeeds", async () => {
    const probe = await stack.prisma.pipelineProbe.create({ data: { failAttempts: 2 } });
    await stack.sendEvent({ name: "system/pipeline-probe.requested", data: { probeId: probe.id } });
    const done = await eventually("the probe to succeed", async () => {
      const row = await stack.prisma.pipelineProbe.findUniqueOrThrow({ where: { id: probe.id } });
      return row.succeededAt ? row : undefined;
    });
    expect(done.attempts).toBe(3);
    expect(done.lastError).toMatch(/Deliberate failure 2 of 2/);
  });

  it("takes a signed SAM sale webhook to a SOLD item, with the event log telling the story", async () => {
    const keyring = parseKeyring(stack.env.STOCKHOOK_ENCRYPTION_KEYS!);
    const tenant = await stack.prisma.tenant.create({
      data: { slug: `it-${randomUUID().slice(0, 8)}`, name: "IT Gallery", kind: "GALLERY" },
    });
    const db = scopeToTenant(stack.prisma, tenant.id);
    const connection = await db.connection.create({
      data: { tenantId: tenant.id, provider: "SAM", direction: "SOURCE", name: "SAM", baseUrl: "http://127.0.0.1:9" },
    });
    await storeSecret(
      db,
      { connectionId: connection.id, purpose: "WEBHOOK_SIGNING", label: "signing", plaintext: "it-secret" },
      keyring,
    );
    const item = await db.item.create({
      data: { tenantId: tenant.id, sku: "ART-0001", title: "Harbour at Dusk", quantity: 1, oneOfAKind: true },
    });
    await db.itemLink.create({
      data: { tenantId: tenant.id, itemId: item.id, connectionId: connection.id, externalId: "1001" },
    });

    const body = JSON.stringify({
      event_id: "evt-it-1",
      type: "stock.changed",
      occurred_at: new Date().toISOString(),
      data: { sam_id: 1001, sku: "ART-0001", stock: 0, status: "sold", reason: "sale" },
    });
    const response = await fetch(`${stack.appUrl}/api/webhooks/${tenant.slug}/${connection.id}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-sam-signature": createHmac("sha256", "it-secret").update(body).digest("hex"),
      },
      body,
    });
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };

    const event = await eventually("the event to be applied", async () => {
      const row = await stack.prisma.webhookEvent.findUniqueOrThrow({ where: { id } });
      return row.status === "APPLIED" ? row : undefined;
    });
    expect(event).toMatchObject({ action: "qty 1 → 0, marked Sold", itemId: item.id, attempts: 1 });
    expect(event.sentAt).not.toBeNull();
    expect(await stack.prisma.item.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      status: "SOLD",
      quantity: 0,
      version: 1,
    });

    // The dashboard's "Pipeline run" lookup finds the run on the real Inngest server.
    const run = await eventually("the Inngest run to end", async () => {
      const lookup = await lookupInngestRun(event.inngestRunId, { baseUrl: stack.env.INNGEST_BASE_URL, dev: true });
      return lookup.found && lookup.endedAt ? lookup : undefined;
    });
    expect(run).toMatchObject({ runId: event.inngestRunId, status: expect.stringMatching(/completed/i) });
  });
});
