import { afterEach, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";
import { guardedFetch } from "@/server/network/guarded-fetch";
import { createConnector } from "./index";

/**
 * The attack from issue 17: a tenant points a connection at an internal service (loopback, the
 * metadata address, …), presses Test, and reads the answer back in the result. Connectors must
 * refuse such addresses before any request, and never put a platform's answer in a message.
 */
const INTERNAL_SECRET = "INTERNAL-ADMIN-PAGE root:hunter2";
let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});
async function internalService(status = 404) {
  const started = await startReceiver((_req, res) =>
    res.writeHead(status, { "content-type": "text/plain" }).end(INTERNAL_SECRET),
  );
  receivers.push(started);
  return started;
}
const fast = { policy: { maxRetries: 0, timeoutMs: 2_000 } };

describe("connector SSRF", () => {
  it.each([
    (port: number) => `http://127.0.0.1:${port}`,
    (port: number) => `http://localhost:${port}`,
    (port: number) => `http://[::127.0.0.1]:${port}`,
    (port: number) => `https://127.0.0.1:${port}`,
    () => "https://169.254.169.254/latest/meta-data",
  ])(
    "a connection pointed at an internal address (%#) is refused before any request, and nothing is read back",
    async (address) => {
      const internal = await internalService();
      const connector = createConnector({
        provider: "SAM",
        baseUrl: address(internal.port),
        credentials: { apiKey: "a-long-enough-key" },
        http: fast,
      });
      const result = await connector.testConnection();
      expect(result).toMatchObject({ ok: false, reason: "refused_address" });
      expect(JSON.stringify(result)).not.toContain("INTERNAL");
      await expect(connector.listStock()).rejects.toMatchObject({ name: "RefusedAddressError", retryable: false });
      expect(internal.received).toHaveLength(0);
    },
  );

  it("a Business Central token URL pointing inside is refused, and the client secret never leaves", async () => {
    const internal = await internalService(200);
    const connector = createConnector({
      provider: "BUSINESS_CENTRAL",
      baseUrl: "https://api.businesscentral.dynamics.com",
      credentials: {
        tenantId: "t",
        companyId: "c",
        clientId: "id",
        clientSecret: "client-secret-value",
        tokenUrl: `http://127.0.0.1:${internal.port}/token`,
      },
      http: fast,
    });
    const result = await connector.testConnection();
    expect(result).toMatchObject({ ok: false, reason: "refused_address" });
    expect(internal.received).toHaveLength(0);
  });

  it("an allowed target that redirects inside is refused at the redirect: each hop is checked", async () => {
    const internal = await internalService(200);
    const redirector = await startReceiver((_req, res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${internal.port}/admin` }).end(),
    );
    receivers.push(redirector);
    const connector = createConnector({
      provider: "SAM",
      baseUrl: redirector.url,
      credentials: { apiKey: "a-long-enough-key" },
      http: { ...fast, network: { allowList: [`127.0.0.1:${redirector.port}`] } },
    });
    expect(await connector.testConnection()).toMatchObject({ ok: false, reason: "refused_address" });
    expect(redirector.received).toHaveLength(1);
    expect(internal.received).toHaveLength(0);
  });

  it("a platform's error body is never in the error a tenant reads; the server log keeps it, cut short", async () => {
    const platform = await startReceiver((_req, res) =>
      res.writeHead(400, { "content-type": "text/plain" }).end(`${INTERNAL_SECRET} ${"x".repeat(5_000)}`),
    );
    receivers.push(platform);
    const logged: string[] = [];
    const connector = createConnector({
      provider: "SAM",
      baseUrl: platform.url,
      credentials: { apiKey: "a-long-enough-key" },
      http: {
        ...fast,
        network: { allowList: [`127.0.0.1:${platform.port}`] },
        deps: { log: (line) => logged.push(line) },
      },
    });
    const result = await connector.testConnection();
    expect(result).toMatchObject({ ok: false, reason: "unavailable" });
    expect(!result.ok && result.message).toMatch(/→ 400: the platform rejected the request$/);
    expect(JSON.stringify(result)).not.toContain("INTERNAL");
    expect(logged.join("\n")).toContain(INTERNAL_SECRET);
    expect(Math.max(...logged.map((line) => line.length))).toBeLessThan(700);
  });

  it("credentials in headers do not follow a redirect to another origin", async () => {
    const other = await startReceiver((_req, res) => res.end("{}"));
    const first = await startReceiver((_req, res) => res.writeHead(307, { location: `${other.url}/next` }).end());
    receivers.push(other, first);
    const fetch = guardedFetch({ policy: { allowList: [`127.0.0.1:${first.port}`, `127.0.0.1:${other.port}`] } });
    const response = await fetch(`${first.url}/start`, {
      method: "GET",
      headers: { authorization: "Bearer platform-token", accept: "application/json" },
    });
    expect(response.status).toBe(200);
    expect(first.received[0]!.headers.authorization).toBe("Bearer platform-token");
    expect(other.received[0]!.headers.authorization).toBeUndefined();
    expect(other.received[0]!.headers.accept).toBe("application/json");
  });

  it("a token request's body (the client secret) is not resent to another origin by a 307", async () => {
    const other = await startReceiver((_req, res) => res.end("{}"));
    const first = await startReceiver((_req, res) => res.writeHead(307, { location: `${other.url}/token` }).end());
    receivers.push(other, first);
    const fetch = guardedFetch({ policy: { allowList: [`127.0.0.1:${first.port}`, `127.0.0.1:${other.port}`] } });
    await expect(
      fetch(`${first.url}/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "client_secret=top-secret",
      }),
    ).rejects.toMatchObject({ name: "UnsafeUrlError" });
    expect(other.received).toHaveLength(0);
  });

  it("plain http is refused for a public address (credentials never cross the network unencrypted)", async () => {
    const connector = createConnector({
      provider: "SAM",
      baseUrl: "http://93.184.216.34",
      credentials: { apiKey: "a-long-enough-key" },
      http: fast,
    });
    const result = await connector.testConnection();
    expect(result).toMatchObject({ ok: false, reason: "refused_address" });
    expect(!result.ok && result.message).toMatch(/https:\/\//);
  });
});

describe("addresses that cannot be checked yet", () => {
  it("a name that does not resolve is a retryable network failure, not a refusal", async () => {
    const connector = createConnector({
      provider: "SAM",
      baseUrl: "https://nothing.invalid",
      credentials: { apiKey: "a-long-enough-key" },
      http: fast,
    });
    await expect(connector.listStock()).rejects.toMatchObject({
      name: "UnavailableError",
      kind: "network",
      retryable: true,
    });
    expect(await connector.testConnection()).toMatchObject({ ok: false, reason: "unreachable" });
  });
});
