import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleWebhook } from "./route-handler";

/**
 * A database that does not answer: the webhook route answers 503 with Retry-After, so the
 * platform retries later, and tells the caller nothing about why. The app's own database client
 * is pointed at a closed port (env() re-reads process.env under Vitest; the client is made on
 * first use), so this is the real lookup failing, not a stub.
 */
const saved = process.env.DATABASE_URL;
beforeAll(() => {
  process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:9/unreachable";
});
afterAll(() => {
  process.env.DATABASE_URL = saved;
});

describe("the webhook route when the database is down", () => {
  it("answers 503 with Retry-After: 30 and no error detail", async () => {
    const body = JSON.stringify({ event_id: "evt-db-down", type: "stock.changed" });
    const answer = await handleWebhook({
      tenantSlug: "gallery",
      connectionId: "cmconnection0000000000000",
      headers: new Headers({ "content-type": "application/json", "x-sam-signature": "0".repeat(64) }),
      query: new URLSearchParams(),
      contentLength: body.length,
      sourceAddress: "203.0.113.7",
      readBody: async () => Buffer.from(body),
    });
    expect(answer.status).toBe(503);
    expect(answer.headers).toEqual({ "retry-after": "30" });
    expect(JSON.parse(answer.body)).toEqual({ error: "Temporarily unavailable, retry later" });
  });
});
