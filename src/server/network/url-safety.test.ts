import { describe, expect, it } from "vitest";
import {
  checkTarget,
  checkUrlShape,
  isPublicAddress,
  UnsafeUrlError,
  urlPolicyFromEnv,
  type Resolver,
} from "./url-safety";
import { allowListKey } from "./allow-list";

const production = {};
const development = { allowList: ["127.0.0.1:9", "localhost:4010"] };
const resolvesTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

describe("outbound URL safety (SSRF)", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.9", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["[::1]", "loopback"],
    ["[fe80::1]", "link-local"],
    ["[fd00::1]", "uniqueLocal"],
    ["[::ffff:127.0.0.1]", "loopback"],
    // IPv4-compatible IPv6: the URL parser rewrites it to [::7f00:1], which ipaddr.js calls unicast.
    ["[::127.0.0.1]", "IPv4-compatible IPv6"],
    ["[::a9fe:a9fe]", "IPv4-compatible IPv6"],
    ["[64:ff9b::7f00:1]", "rfc6052"],
    ["[fd00:ec2::254]", "uniqueLocal"],
    ["198.18.0.1", "reserved"],
  ])("refuses https://%s in production (%s)", async (host, range) => {
    await expect(checkTarget(`https://${host}/hook`, production)).rejects.toThrow(new RegExp(`${range} address`));
  });

  it("refuses a hostname that resolves to loopback, judging the resolved address", async () => {
    // Refused without saying what the name resolves to: a tenant must not map internal names.
    const refused = await checkTarget("https://localhost/hook", production).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/^localhost does not resolve to a public address/);
    expect(refused).not.toMatch(/127\.0\.0\.1|::1|loopback/);
    await expect(checkTarget("https://internal.example/hook", production, resolvesTo("10.0.0.5"))).rejects.toThrow(
      /^internal\.example does not resolve to a public address/,
    );
  });

  it("refuses a host when any of its addresses is private, so round-robin DNS cannot land there", async () => {
    await expect(
      checkTarget("https://mixed.example/hook", production, resolvesTo("93.184.216.34", "127.0.0.1")),
    ).rejects.toBeInstanceOf(UnsafeUrlError);
  });

  it("accepts a public https URL and returns the checked address to connect to", async () => {
    const target = await checkTarget("https://hooks.example.com/in?x=1", production, resolvesTo("93.184.216.34"));
    expect(target).toMatchObject({ address: "93.184.216.34", family: 4 });
    expect(target.url.toString()).toBe("https://hooks.example.com/in?x=1");
  });

  it("requires https in production, and refuses credentials in the URL", () => {
    expect(() => checkUrlShape("http://hooks.example.com/in", production)).toThrow("Use an https:// URL");
    expect(() => checkUrlShape("ftp://hooks.example.com/in", development)).toThrow("Use an https:// URL");
    expect(() => checkUrlShape("https://user:pw@hooks.example.com/in", production)).toThrow(/credentials/);
    expect(() => checkUrlShape("not a url", production)).toThrow("That is not a valid URL");
  });

  it("allows http and loopback only for a host:port named on the allow-list", async () => {
    await expect(checkTarget("http://127.0.0.1:9/hook", development)).resolves.toMatchObject({ address: "127.0.0.1" });
    await expect(checkTarget("http://localhost:4010/sam/shop", development)).resolves.toMatchObject({
      url: expect.any(URL),
    });
    // Another port on the same host, or the same port on another loopback name, is not named.
    await expect(checkTarget("http://127.0.0.1:5432/", development)).rejects.toThrow("Use an https:// URL");
    await expect(checkTarget("https://127.0.0.1:5432/", development)).rejects.toThrow(/loopback address/);
    await expect(checkTarget("https://127.0.0.2:9/", development)).rejects.toThrow(/loopback address/);
    await expect(checkTarget("https://[::1]:9/", development)).rejects.toThrow(/loopback address/);
  });

  it("the allow-list is not honoured in production, and its entries are plain host:port pairs", () => {
    expect(urlPolicyFromEnv({ NODE_ENV: "production", OUTBOUND_ALLOW_LIST: "127.0.0.1:4010" })).toEqual({
      allowList: [],
    });
    expect(
      urlPolicyFromEnv({ NODE_ENV: "development", OUTBOUND_ALLOW_LIST: " 127.0.0.1:4010, localhost:4010 " }),
    ).toEqual({ allowList: ["127.0.0.1:4010", "localhost:4010"] });
    expect(allowListKey("LocalHost:4010")).toBe("localhost:4010");
    expect(allowListKey("[::1]:4010")).toBe("[::1]:4010");
    for (const bad of ["127.0.0.1", "127.0.0.1:4010/path", "user@127.0.0.1:1", "*:4010", "http://127.0.0.1:1"])
      expect(allowListKey(bad)).toBeNull();
  });

  it("a name that does not resolve is refused with the reason", async () => {
    await expect(checkTarget("https://nothing.invalid/hook", production)).rejects.toThrow(/does not resolve/);
  });

  it("classifies addresses", () => {
    expect(isPublicAddress("8.8.8.8")).toBe(true);
    expect(isPublicAddress("2606:4700::1111")).toBe(true);
    expect(isPublicAddress("::ffff:10.0.0.1")).toBe(false);
    expect(isPublicAddress("nonsense")).toBe(false);
  });
});
