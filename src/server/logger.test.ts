import { describe, expect, it } from "vitest";
import { createLogger, type LogBindings } from "./logger";

function captured() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, lines };
}

describe("logger", () => {
  it("writes one JSON object per line with the child's bindings", () => {
    const { logger, lines } = captured();
    const bindings: LogBindings = { requestId: "req-1", tenantId: "t1", connectionId: "c1", eventId: "e1" };
    logger.child(bindings).warn("push failed");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ ...bindings, msg: "push failed", level: 40 });
  });

  it("redacts secret-ish keys at the top level, one object down and in headers", () => {
    const { logger, lines } = captured();
    logger.info(
      {
        authorization: "Bearer abc",
        request: { password: "hunter2", headers: { cookie: "session=1" } },
        headers: { authorization: "x" },
        token: "t",
      },
      "request",
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ["Bearer abc", "hunter2", "session=1", '"x"', '"t"']) expect(line).not.toContain(secret);
    expect(line).toContain("[redacted]");
  });
});
