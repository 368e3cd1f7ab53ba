import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/**
 * SSRF protection for tenant-supplied webhook URLs. A tenant must not be able to make Stockhook
 * call its own network: loopback, private, link-local (the cloud metadata service at
 * 169.254.169.254), carrier-grade NAT, unique-local, multicast and reserved addresses are refused,
 * whether written in the URL or reached through DNS. The check returns the address that passed,
 * and the request connects to exactly that address, so a second DNS answer (rebinding) cannot
 * swap in another one. Development and tests may allow private targets with an explicit flag.
 */
export interface UrlPolicy {
  /** Private, loopback and link-local addresses allowed (OUTBOUND_WEBHOOKS_ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
  /** Plain http:// allowed; the same flag sets it, tests may set it alone. Defaults to allowPrivate. */
  allowHttp?: boolean;
}

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeUrlError";
  }
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

export function urlPolicyFromEnv(source: Record<string, string | undefined> = process.env): UrlPolicy {
  const allow = ["1", "true"].includes((source.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE_URLS ?? "").toLowerCase());
  return { allowPrivate: allow, allowHttp: allow };
}

/** The parts of a URL that can be judged without the network: scheme, credentials, port. */
export function checkUrlShape(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError("That is not a valid URL");
  }
  const allowHttp = policy.allowHttp ?? policy.allowPrivate;
  if (url.protocol !== "https:" && !(allowHttp && url.protocol === "http:")) {
    throw new UnsafeUrlError(allowHttp ? "Use an http:// or https:// URL" : "Use an https:// URL");
  }
  if (url.username || url.password) throw new UnsafeUrlError("Put credentials in your receiver's secret check, not in the URL");
  if (!url.hostname) throw new UnsafeUrlError("The URL has no host");
  const literal = literalAddress(url.hostname);
  if (literal && !policy.allowPrivate && !isPublicAddress(literal)) throw new UnsafeUrlError(refusal(url.hostname, literal));
  return url;
}

function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}

/** Only globally routable unicast addresses; IPv4-mapped IPv6 is judged as the IPv4 it maps. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

function refusal(hostname: string, address: string): string {
  const range = ipaddr.isValid(address) ? ipaddr.process(address).range() : "invalid";
  const where = hostname === address ? address : `${hostname} (${address})`;
  return `${where} is a ${range === "linkLocal" ? "link-local" : range} address: Stockhook only calls public addresses`;
}

export interface CheckedTarget {
  url: URL;
  /** The address the request must connect to. */
  address: string;
  family: 4 | 6;
}

/**
 * Judges a URL and resolves its host. Every address DNS returns must be public (one private
 * answer refuses the URL: round-robin could otherwise land there); the first is used.
 */
export async function checkTarget(raw: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<CheckedTarget> {
  const url = checkUrlShape(raw, policy);
  const literal = literalAddress(url.hostname);
  const answers = literal
    ? [{ address: literal, family: ipaddr.parse(literal).kind() === "ipv6" ? 6 : 4 }]
    : await resolve(url.hostname).catch((error: unknown) => {
        throw new UnsafeUrlError(`${url.hostname} does not resolve (${error instanceof Error ? (error as NodeJS.ErrnoException).code ?? error.message : String(error)})`);
      });
  if (answers.length === 0) throw new UnsafeUrlError(`${url.hostname} does not resolve`);
  if (!policy.allowPrivate) {
    const blocked = answers.find((answer) => !isPublicAddress(answer.address));
    if (blocked) throw new UnsafeUrlError(refusal(url.hostname, blocked.address));
  }
  const first = answers[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
