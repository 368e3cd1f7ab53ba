import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { postSigned, STORED_RESPONSE_BYTES } from "./http-delivery";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";

let receivers: Receiver[] = [];
/** The test's receivers are named on the allow-list once their ports are known, as development names the simulators. */
const development = {
  get policy() {
    return { allowList: receivers.map((r) => `127.0.0.1:${r.port}`) };
  },
};
const production = { policy: {} };
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});
async function receiver(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

describe("postSigned", () => {
  it("POSTs the body with the given headers and reports status, body and latency", async () => {
    const target = await receiver((_req, res) => res.writeHead(202).end("accepted"));
    const outcome = await postSigned(
      `${target.url}/hook?x=1`,
      '{"a":1}',
      { "webhook-id": "evt_1", "content-type": "application/json" },
      development,
    );
    expect(outcome).toMatchObject({ status: 202, body: "accepted", error: null, refused: false, redirects: 0 });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    expect(target.received[0]).toMatchObject({ method: "POST", path: "/hook?x=1", body: '{"a":1}' });
    expect(target.received[0]!.headers["webhook-id"]).toBe("evt_1");
    expect(target.received[0]!.headers.host).toBe(`127.0.0.1:${target.port}`);
  });

  it("keeps only the first 2 KiB of a long answer", async () => {
    const target = await receiver((_req, res) => res.writeHead(500).end("x".repeat(100_000)));
    const outcome = await postSigned(target.url, "{}", {}, development);
    expect(outcome.status).toBe(500);
    expect(outcome.body).toBe(`${"x".repeat(STORED_RESPONSE_BYTES)}… [truncated]`);
  });

  it("follows redirects by hand, re-checking each hop", async () => {
    const final = await receiver((_req, res) => res.end("landed"));
    const first = await receiver((_req, res) => res.writeHead(307, { location: `${final.url}/final` }).end());
    const outcome = await postSigned(first.url, '{"b":2}', {}, development);
    expect(outcome).toMatchObject({ status: 200, body: "landed", redirects: 1 });
    expect(final.received[0]).toMatchObject({ method: "POST", path: "/final", body: '{"b":2}' });
  });

  it("with production address rules, a redirect to loopback is refused before any request is made to it", async () => {
    const loopback = await receiver();
    const first = await receiver((_req, res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${loopback.port}/admin` }).end(),
    );
    // hooks.example resolves to a public address, which the test dials on its local receiver.
    const outcome = await postSigned(
      `http://hooks.example:${first.port}/hook`,
      "{}",
      {},
      {
        policy: { allowHttp: true },
        resolve: async () => [{ address: "93.184.216.34", family: 4 }],
        dial: (address) => (address === "93.184.216.34" ? "127.0.0.1" : address),
      },
    );
    expect(first.received).toHaveLength(1);
    expect(outcome).toMatchObject({ status: null, refused: true, redirects: 1 });
    expect(outcome.error).toMatch(/127\.0\.0\.1 is a loopback address.*after a redirect to http:\/\/127\.0\.0\.1/);
    expect(loopback.received).toHaveLength(0);
  });

  it("asks DNS once per hop and dials the address it approved, so a rebinding second answer is never used", async () => {
    const target = await receiver((_req, res) => res.end("ok"));
    const answers = ["93.184.216.34", "127.0.0.1"];
    const asked: string[] = [];
    const outcome = await postSigned(
      `http://rebind.example:${target.port}/hook`,
      "{}",
      {},
      {
        policy: { allowHttp: true },
        resolve: async (host) => {
          asked.push(host);
          return [{ address: answers.shift()!, family: 4 }];
        },
        dial: (address) => (address === "93.184.216.34" ? "127.0.0.1" : `unexpected:${address}`),
      },
    );
    expect(outcome).toMatchObject({ status: 200, error: null });
    expect(asked).toEqual(["rebind.example"]);
    expect(target.received[0]!.headers.host).toBe(`rebind.example:${target.port}`);
  });

  it("a redirect to a name that resolves to a private address is refused too", async () => {
    const first = await receiver((_req, res) =>
      res.writeHead(308, { location: "http://metadata.internal/latest" }).end(),
    );
    const outcome = await postSigned(
      `http://hooks.example:${first.port}/hook`,
      "{}",
      {},
      {
        policy: { allowHttp: true },
        resolve: async (host) => [
          { address: host === "hooks.example" ? "93.184.216.34" : "169.254.169.254", family: 4 },
        ],
        dial: (address) => (address === "93.184.216.34" ? "127.0.0.1" : address),
      },
    );
    expect(outcome).toMatchObject({ status: null, refused: true });
    expect(outcome.error).toMatch(/metadata\.internal does not resolve to a public address/);
    expect(outcome.error).not.toContain("169.254");
  });

  it.each([
    "https://127.0.0.1/hook",
    "https://10.0.0.8/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://localhost/hook",
  ])("in production %s is refused without a request", async (url) => {
    const outcome = await postSigned(url, "{}", {}, production);
    expect(outcome).toMatchObject({ status: null, refused: true });
  });

  it("gives up after the timeout", async () => {
    const target = await receiver(() => undefined);
    const outcome = await postSigned(target.url, "{}", {}, { ...development, timeoutMs: 300 });
    expect(outcome).toMatchObject({ status: null, error: "no answer within 0.3 s" });
  });

  it("over https it dials the checked address but sends the name in SNI and verifies the certificate against it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stockhook-tls-"));
    const certificate = (name: string) => {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-days",
          "1",
          "-subj",
          `/CN=${name}`,
          "-addext",
          `subjectAltName=DNS:${name}`,
          "-keyout",
          join(dir, `${name}.key`),
          "-out",
          join(dir, `${name}.crt`),
        ],
        { stdio: "ignore" },
      );
      return {
        key: readFileSync(join(dir, `${name}.key`), "utf8"),
        cert: readFileSync(join(dir, `${name}.crt`), "utf8"),
      };
    };
    const hooks = certificate("hooks.example");
    const servernames: string[] = [];
    const server = createServer(hooks, (req, res) => {
      servernames.push((req.socket as TLSSocket).servername as string);
      res.end("tls ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const viaPublicName = {
      policy: {},
      resolve: async () => [{ address: "93.184.216.34", family: 4 }],
      dial: (address: string) => (address === "93.184.216.34" ? "127.0.0.1" : address),
    };
    try {
      expect(
        await postSigned(`https://hooks.example:${port}/hook`, "{}", {}, { ...viaPublicName, ca: hooks.cert }),
      ).toMatchObject({ status: 200, body: "tls ok", error: null });
      expect(servernames).toEqual(["hooks.example"]);
      // The same server under another name: the certificate does not match it, so nothing is sent.
      const other = await postSigned(
        `https://other.example:${port}/hook`,
        "{}",
        {},
        { ...viaPublicName, ca: hooks.cert },
      );
      expect(other).toMatchObject({ status: null, refused: false });
      expect(other.error).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|does not match|altnames/i);
      // And a certificate nobody vouches for is refused.
      expect((await postSigned(`https://hooks.example:${port}/hook`, "{}", {}, viaPublicName)).error).toMatch(
        /self[- ]signed|SELF_SIGNED/i,
      );
      expect(servernames).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
