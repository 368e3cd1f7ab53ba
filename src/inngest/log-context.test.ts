import { InngestTestEngine } from "@inngest/test";
import { Inngest } from "inngest";
import { describe, expect, it } from "vitest";
import { inngest } from "@/inngest/client";
import { LogContextMiddleware, runLogBindings } from "@/inngest/log-context";
import { createLogger } from "@/server/logger";

describe("Inngest function log context", () => {
  it("names the tenant, connection and event of a pipeline event", () => {
    expect(
      runLogBindings({
        runId: "01RUN",
        fn: "apply-webhook",
        event: { data: { tenantId: "t1", connectionId: "c1", webhookEventId: "e1", itemKey: "k" } },
      }),
    ).toEqual({
      area: "inngest",
      runID: "01RUN",
      fn: "apply-webhook",
      tenantId: "t1",
      connectionId: "c1",
      eventId: "e1",
    });
    expect(runLogBindings({ event: { data: { cron: "*/5 * * * *" } } })).toMatchObject({ tenantId: undefined });
  });

  it("puts those ids on every line logged while the handler runs", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    });
    const middleware = new LogContextMiddleware({ client: inngest });
    const args = {
      ctx: {
        runId: "01RUN",
        event: { name: "stock/webhook.received", data: { tenantId: "t1", connectionId: "c1", webhookEventId: "e1" } },
      },
      fn: { id: () => "apply-webhook" },
      next: async () => {
        await Promise.resolve();
        logger.warn("push failed");
      },
    } as unknown as Parameters<LogContextMiddleware["wrapFunctionHandler"]>[0];
    await middleware.wrapFunctionHandler(args);
    logger.info("after the run");
    expect(lines[0]).toMatchObject({
      runID: "01RUN",
      tenantId: "t1",
      connectionId: "c1",
      eventId: "e1",
      msg: "push failed",
    });
    expect(lines[1]).not.toHaveProperty("tenantId");
  });

  it("reaches a real function run: the handler's logger and the modules it calls", async () => {
    const lines: Record<string, unknown>[] = [];
    const appLogger = createLogger({
      write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    });
    const client = new Inngest({ id: "log-test", logger: appLogger, middleware: [LogContextMiddleware] });
    const fn = client.createFunction(
      { id: "logs", triggers: [{ event: "stock/webhook.received" }] },
      async ({ step, logger }) => {
        await step.run("work", () => appLogger.info("inside a step"));
        logger.info("from the handler's logger");
      },
    );
    const engine = new InngestTestEngine({
      function: fn,
      events: [{ name: "stock/webhook.received", data: { tenantId: "t1", connectionId: "c1", webhookEventId: "e1" } }],
    });
    await engine.execute();
    const ids = { tenantId: "t1", connectionId: "c1", eventId: "e1", fn: "logs" };
    expect(lines.find((line) => line.msg === "inside a step")).toMatchObject(ids);
    expect(lines.find((line) => line.msg === "from the handler's logger")).toMatchObject(ids);
  });
});
