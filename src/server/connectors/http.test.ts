import { describe, expect, it } from "vitest";
import { z } from "zod";
import { HttpClient, parseRetryAfter, type FetchLike } from "./http";
import { RateLimitedError, UnavailableError, ValidationError } from "./errors";
import { windowGate } from "./rate-limit";

/** The shared HTTP layer with a scripted fetch and a recording sleep: no real waiting. */
function scripted(responses: (() => Response)[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const sleeps: number[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const next = responses.shift();
    if (!next) throw new Error("no more scripted responses");
    return next();
  };
  const client = new HttpClient({
    baseUrl: "https://shop.example/api",
    deps: { fetch, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, now: () => 1_000_000 },
  });
  return { client, calls, sleeps };
}
const ok =
  (body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status: 200, headers });
const status =
  (code: number, headers: Record<string, string> = {}) =>
  () =>
    new Response("{}", { status: code, headers });
const schema = z.object({ ok: z.boolean() });

describe("HttpClient", () => {
  it("waits out a 429 for exactly Retry-After, even for a POST", async () => {
    const { client, sleeps } = scripted([status(429, { "retry-after": "2" }), ok({ ok: true })]);
    await expect(client.request({ method: "POST", path: "/x", body: {}, schema })).resolves.toMatchObject({
      data: { ok: true },
    });
    expect(sleeps).toEqual([2_000]);
  });

  it("reads Retry-After as an HTTP date too", () => {
    expect(parseRetryAfter(new Date(1_000_000 + 3_000).toUTCString(), 1_000_000)).toBe(3_000);
    expect(parseRetryAfter("garbage", 0)).toBeUndefined();
  });

  it("surfaces a Retry-After too long to wait as RateLimitedError", async () => {
    const { client } = scripted([status(429, { "retry-after": "3600" })]);
    const error = await client.request({ method: "GET", path: "/x", schema }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 3_600_000, retryable: true });
  });

  it("retries 5xx on GET with growing, jittered backoff", async () => {
    const { client, sleeps, calls } = scripted([status(502), status(503), ok({ ok: true })]);
    await client.request({ method: "GET", path: "/x", schema });
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([188, 375]);
  });

  it("never repeats a non-idempotent POST after a 5xx, but does when marked idempotent", async () => {
    const plain = scripted([status(500)]);
    await expect(plain.client.request({ method: "POST", path: "/x", body: {}, schema })).rejects.toBeInstanceOf(
      UnavailableError,
    );
    expect(plain.calls).toHaveLength(1);
    const marked = scripted([status(500), ok({ ok: true })]);
    await expect(
      marked.client.request({ method: "PUT", path: "/x", body: {}, schema, idempotent: true }),
    ).resolves.toBeTruthy();
  });

  it("rejects a response that does not match the schema", async () => {
    const { client } = scripted([ok({ ok: "yes" })]);
    await expect(client.request({ method: "GET", path: "/x", schema })).rejects.toBeInstanceOf(ValidationError);
  });

  it("builds query strings and sends JSON bodies", async () => {
    const { client, calls } = scripted([ok({ ok: true })]);
    await client.request({
      method: "POST",
      path: "/x",
      query: { a: 1, b: undefined },
      body: { n: 1 },
      schema,
      idempotent: true,
    });
    expect(calls[0]?.url).toBe("https://shop.example/api/x?a=1");
    expect(calls[0]?.init.body).toBe('{"n":1}');
  });
});

describe("windowGate", () => {
  it("pauses until the window resets once the platform reports no requests left", async () => {
    let now = 0;
    const sleeps: number[] = [];
    const gate = windowGate(
      { left: "x-left", resetMs: "x-reset" },
      async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      () => now,
    );
    await gate.beforeRequest?.();
    gate.onResponse?.(new Response(null, { headers: { "x-left": "0", "x-reset": "750" } }));
    await gate.beforeRequest?.();
    expect(sleeps).toEqual([750]);
  });
});
