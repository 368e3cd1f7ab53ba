import { describe, expect, it } from "vitest";
import { lookupInngestRun, runUrlTemplate } from "./inngest-run";

describe("runUrlTemplate", () => {
  it("links the dev server's own run inspector when the dev server is used", () => {
    expect(runUrlTemplate({ INNGEST_DEV: "1", INNGEST_BASE_URL: "http://127.0.0.1:8288/" })).toBe(
      "http://127.0.0.1:8288/run?runID={runId}",
    );
    expect(runUrlTemplate({ INNGEST_DEV: "1" })).toBe("http://localhost:8288/run?runID={runId}");
    expect(runUrlTemplate({ INNGEST_DEV: "http://127.0.0.1:9999" })).toBe("http://127.0.0.1:9999/run?runID={runId}");
  });

  it("keeps INNGEST_RUN_URL when it is set, in development too", () => {
    const cloud = "https://app.inngest.com/env/production/runs/{runId}";
    expect(
      runUrlTemplate({ INNGEST_RUN_URL: cloud, INNGEST_DEV: "1", INNGEST_BASE_URL: "http://127.0.0.1:8288" }),
    ).toBe(cloud);
    expect(runUrlTemplate({ INNGEST_RUN_URL: cloud })).toBe(cloud);
  });

  it("links nothing off the dev server (self-hosted or Cloud) without INNGEST_RUN_URL", () => {
    expect(runUrlTemplate({ INNGEST_BASE_URL: "http://inngest.internal:8288" })).toBeUndefined();
    expect(runUrlTemplate({ INNGEST_DEV: "0", INNGEST_BASE_URL: "http://inngest.internal:8288" })).toBeUndefined();
    expect(runUrlTemplate({})).toBeUndefined();
  });

  it("fills in the run id, encoded", async () => {
    const template = runUrlTemplate({ INNGEST_DEV: "1", INNGEST_BASE_URL: "http://127.0.0.1:8288" });
    const run = await lookupInngestRun("01J/ABC", { runUrlTemplate: template, dev: true });
    expect(run.url).toBe("http://127.0.0.1:8288/run?runID=01J%2FABC");
  });

  it("says a delivery applied on arrival has no Inngest run, without asking the server", async () => {
    const asked: string[] = [];
    const run = await lookupInngestRun("arrival:3f1c", {
      baseUrl: "http://127.0.0.1:8288",
      runUrlTemplate: "http://127.0.0.1:8288/run?runID={runId}",
      dev: true,
      fetch: async (url) => {
        asked.push(String(url));
        return new Response("{}");
      },
    });
    expect(run).toMatchObject({ found: false, runId: "arrival:3f1c", url: null });
    expect(run.found ? "" : run.reason).toMatch(/on arrival by the app instance/);
    expect(asked).toEqual([]);
  });
});
