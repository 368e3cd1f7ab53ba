import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestPinned, type PinnedRequest } from "./pinned-request";

/**
 * A server that, like one whose idle keep-alive timer fired, drops a pooled connection the moment
 * the next request arrives on it: the client must resend once on a fresh socket, never report the
 * platform unreachable.
 */
describe("requestPinned over a kept-alive connection the server dropped", () => {
  let server: Server;
  let port = 0;
  const requestsPerSocket = new Map<Socket, number>();
  let answered = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const seen = (requestsPerSocket.get(req.socket) ?? 0) + 1;
      requestsPerSocket.set(req.socket, seen);
      if (seen > 1) {
        req.socket.destroy();
        return;
      }
      answered += 1;
      res.end(`answer ${answered}`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (method = "GET"): Promise<{ status: number; body: string }> => {
    const request: PinnedRequest = {
      method,
      headers: {},
      signal: AbortSignal.timeout(10_000),
      maxBodyBytes: 1_000,
      overflow: "fail",
      keepAlive: true,
    };
    const target = { url: new URL(`http://127.0.0.1:${port}/products`), address: "127.0.0.1", family: 4 as const };
    return requestPinned(target, request).then((response) => ({
      status: response.status,
      body: response.body.toString(),
    }));
  };

  it("resends a request whose reused socket was reset, once, on a fresh socket", async () => {
    expect(await get()).toEqual({ status: 200, body: "answer 1" });
    // The pooled socket is dropped when this request arrives on it; the resend gets a new one.
    expect(await get()).toEqual({ status: 200, body: "answer 2" });
    expect(requestsPerSocket.size).toBe(2);
    expect([...requestsPerSocket.values()]).toEqual([2, 1]);
  });
});
