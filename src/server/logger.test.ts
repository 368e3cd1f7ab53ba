import { describe, expect, it } from "vitest";
import { createLogger, redactText, withLogContext, type LogBindings } from "./logger";

function captured() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, lines };
}

const SECRET = "s3cr3t-value-9f8e7d6c";

describe("logger", () => {
  it("writes one JSON object per line with the child's bindings", () => {
    const { logger, lines } = captured();
    const bindings: LogBindings = { requestId: "req-1", tenantId: "t1", connectionId: "c1", eventId: "e1" };
    logger.child(bindings).warn("push failed");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ ...bindings, msg: "push failed", level: 40 });
  });

  it("adds the context's ids to every line inside it, without repeating a key the child already has", async () => {
    const { logger, lines } = captured();
    await withLogContext({ tenantId: "t1", runID: "run-1" }, async () => {
      await Promise.resolve();
      await withLogContext({ eventId: "e1", connectionId: undefined }, async () => {
        logger.info("deep inside");
        logger.child({ tenantId: "t1" }).info("child");
      });
    });
    logger.info("outside");
    expect(lines[0]).toMatchObject({ tenantId: "t1", runID: "run-1", eventId: "e1", msg: "deep inside" });
    expect(lines[0]).not.toHaveProperty("connectionId");
    expect(lines[2]).not.toHaveProperty("tenantId");
    expect(lines[2]).not.toHaveProperty("runID");
  });

  it("redacts secret-ish keys at any depth and in headers", () => {
    const { logger, lines } = captured();
    logger.child({ area: "x" }).info(
      {
        authorization: `Bearer ${SECRET}`,
        request: {
          password: SECRET,
          headers: { cookie: `session=${SECRET}`, "x-shopify-hmac-sha256": SECRET, "content-type": "application/json" },
        },
        deeply: {
          nested: { connection: { credentials: { consumerSecret: SECRET, accessToken: SECRET, apiKey: SECRET } } },
        },
        list: [{ signingSecret: SECRET }, { refresh_token: SECRET }],
        fetched: new Headers({ authorization: `Basic ${SECRET}`, "x-wc-webhook-signature": SECRET }),
        env: { STOCKHOOK_ENCRYPTION_KEYS: `k1:${SECRET}`, INNGEST_SIGNING_KEY: SECRET },
      },
      "request",
    );
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain(SECRET);
    expect(line).toContain("application/json");
    expect(lines[0]).toMatchObject({ area: "x", request: { headers: { "content-type": "application/json" } } });
  });

  it("redacts credentials inside URLs and text: query tokens, URL passwords, bearer tokens", () => {
    const { logger, lines } = captured();
    logger.warn(
      {
        url: `https://shop.example/api?access_token=${SECRET}&page=2`,
        target: new URL(`https://x.example/?sig=${SECRET}`),
      },
      `GET https://api.example/v1/items?limit=5&api_key=${SECRET} failed`,
    );
    logger.error(new Error(`could not connect to postgresql://app:${SECRET}@db:5432/app`), "database down");
    logger.error({ err: new Error(`smtp://mailer:${SECRET}@smtp.example:587 refused`) });
    logger.info("sent with %s", `Authorization: Bearer ${SECRET}`);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    expect(lines[0]).toMatchObject({
      url: "https://shop.example/api?access_token=[redacted]&page=2",
      msg: "GET https://api.example/v1/items?limit=5&api_key=[redacted] failed",
    });
    expect(lines[1]).toMatchObject({ msg: "database down", err: { type: "Error" } });
    expect((lines[2] as { msg: string }).msg).toBe("smtp://mailer:[redacted]@smtp.example:587 refused");
  });

  it("leaves ordinary text and ids alone", () => {
    expect(redactText("GET /api/webhooks/acme/c1?page=2 took 12 ms (Basic plan)")).toBe(
      "GET /api/webhooks/acme/c1?page=2 took 12 ms (Basic plan)",
    );
  });

  it("cuts cycles short instead of failing the line", () => {
    const { logger, lines } = captured();
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    logger.info({ loop }, "cyclic");
    expect(lines[0]).toMatchObject({ loop: { name: "loop", self: "[circular]" } });
  });
});
