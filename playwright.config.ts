import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./e2e/chromium";

// Debian's Chromium, never a Playwright browser download (see README, "Tests").
// scripts/e2e.ts sets the ports and the Inngest binary; the app, the real Inngest dev server and the
// platform simulators run as three web servers, so the browser sees the pipeline work end to end.
const port = Number(process.env.E2E_PORT ?? 3100);
const appUrl = `http://127.0.0.1:${port}`;
const [inngestPort, gatewayPort, gatewayGrpcPort, executorGrpcPort, debugPort] = (
  process.env.E2E_INNGEST_PORTS ?? ""
).split(",");
const inngestBinary = process.env.E2E_INNGEST_BIN;

const inngestServer = inngestBinary
  ? [
      {
        command: [
          inngestBinary,
          "dev",
          "--sdk-url",
          `${appUrl}/api/inngest`,
          "--no-discovery",
          "--no-poll",
          "--port",
          inngestPort,
          "--connect-gateway-port",
          gatewayPort,
          "--connect-gateway-grpc-port",
          gatewayGrpcPort,
          "--connect-executor-grpc-port",
          executorGrpcPort,
          "--debug-api-port",
          debugPort,
          // Short retries keep the failed-then-replayed tests quick; production uses Inngest's backoff.
          "--retry-interval",
          "1",
          "--tick",
          "50",
        ].join(" "),
        url: `http://127.0.0.1:${inngestPort}/dev`,
        reuseExistingServer: false,
        timeout: 60_000,
        // Its per-event log lines would drown the test report; Playwright still waits for its URL and fails if it never answers.
        stdout: "ignore" as const,
        stderr: "ignore" as const,
      },
    ]
  : [];

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: appUrl,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: [
    {
      command: `node node_modules/next/dist/bin/next start --port ${port} --hostname 127.0.0.1`,
      url: `${appUrl}/signin`,
      // The production build as a test deployment: the app may call the simulators and the test's
      // webhook receiver on loopback (OUTBOUND_ALLOW_LIST), which NODE_ENV=production refuses.
      env: {
        ...(process.env as Record<string, string>),
        NODE_ENV: "test",
        OUTBOUND_ALLOW_LIST: process.env.E2E_ALLOW_LIST ?? "",
      },
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: "node node_modules/tsx/dist/cli.mjs scripts/sim.ts",
      url: `${process.env.SIM_URL ?? "http://127.0.0.1:4010"}/_control`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    ...inngestServer,
  ],
});
