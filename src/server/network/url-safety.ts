import { env } from "@/env";
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { allowListKey, parseAllowList } from "./allow-list";
import { DomainError } from "@/server/errors";

/**
 * SSRF protection for every address a tenant can make Stockhook call: outbound webhook URLs,
 * connector base URLs and Business Central token URLs. A tenant must not be able to make
 * Stockhook call its own network: loopback, private, link-local (the cloud metadata service at
 * 169.254.169.254), carrier-grade NAT, unique-local, multicast, reserved and IPv4-compatible
 * IPv6 addresses are refused, whether written in the URL or reached through DNS. The check
 * returns the address that passed, and the request connects to exactly that address, so a second
 * DNS answer (rebinding) cannot swap in another one.
 *
 * The only exception is an explicit allow-list of `host:port` pairs (OUTBOUND_ALLOW_LIST), for
 * development, tests and the platform simulators on loopback; the environment refuses it in
 * production. Plain http:// is allowed only to those pairs, so credentials never cross the
 * network unencrypted outside development.
 */
export interface UrlPolicy {
  /** `host:port` pairs that may be called although not public, over http:// too. */
  allowList?: readonly string[];
  /** Tests of the dialling code only: plain http:// to public addresses. Never set from the environment. */
  allowHttp?: boolean;
}

/** The rules production runs with: public https:// addresses only. */
export const PUBLIC_ONLY: UrlPolicy = { allowList: [] };

export class UnsafeUrlError extends DomainError {
  constructor(
    message: string,
    /** The name did not resolve: nothing was judged unsafe, the address just cannot be checked now. */
    readonly unresolved = false,
  ) {
    super("UNSAFE_URL", message);
    this.name = "UnsafeUrlError";
  }
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** The policy the environment sets: OUTBOUND_ALLOW_LIST, never honoured when NODE_ENV is production. */
export function urlPolicyFromEnv(source: { NODE_ENV?: string; OUTBOUND_ALLOW_LIST?: string } = env()): UrlPolicy {
  if (source.NODE_ENV === "production") return PUBLIC_ONLY;
  return { allowList: parseAllowList(source.OUTBOUND_ALLOW_LIST) };
}

function targetKey(url: URL): string {
  return `${url.hostname.toLowerCase()}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;
}

export function isAllowListed(url: URL, policy: UrlPolicy): boolean {
  const wanted = targetKey(url);
  return (policy.allowList ?? []).some((entry) => allowListKey(entry) === wanted);
}

/** The parts of a URL that can be judged without the network: scheme, credentials, literal address. */
export function checkUrlShape(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError("That is not a valid URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UnsafeUrlError("Use an https:// URL");
  if (url.username || url.password)
    throw new UnsafeUrlError("Put credentials in the platform's own settings, not in the URL");
  if (!url.hostname) throw new UnsafeUrlError("The URL has no host");
  const trusted = isAllowListed(url, policy);
  if (url.protocol === "http:" && !trusted && !policy.allowHttp) throw new UnsafeUrlError("Use an https:// URL");
  const literal = literalAddress(url.hostname);
  if (literal && !trusted && !isPublicAddress(literal)) throw new UnsafeUrlError(refusal(url.hostname, literal));
  return url;
}

function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}

/** `::a.b.c.d` (the first 96 bits zero, other than `::` and `::1`): deprecated, and a way to write IPv4 as IPv6. */
function isIpv4Compatible(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0);
}

/** Only globally routable unicast addresses; IPv4-mapped IPv6 is judged as the IPv4 it maps. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (isIpv4Compatible(parsed)) return false;
  return ipaddr.process(address).range() === "unicast";
}

function rangeName(address: string): string {
  if (!ipaddr.isValid(address)) return "invalid";
  if (isIpv4Compatible(ipaddr.parse(address)) && address !== "::" && address !== "::1") return "IPv4-compatible IPv6";
  const range = ipaddr.process(address).range();
  return range === "linkLocal" ? "link-local" : range;
}

function refusal(hostname: string, address: string): string {
  if (hostname === address || hostname === `[${address}]`)
    return `${hostname} is a ${rangeName(address)} address: Stockhook only calls public addresses`;
  // What a name resolves to inside Stockhook's network is not the tenant's to learn.
  return `${hostname} does not resolve to a public address: Stockhook only calls public addresses`;
}

export interface CheckedTarget {
  url: URL;
  /** The address the request must connect to. */
  address: string;
  family: 4 | 6;
}

/**
 * Judges a URL and resolves its host once. Every address DNS returns must be public (one private
 * answer refuses the URL: round-robin could otherwise land there); the first is used.
 */
export async function checkTarget(
  raw: string,
  policy: UrlPolicy,
  resolve: Resolver = systemResolver,
): Promise<CheckedTarget> {
  const url = checkUrlShape(raw, policy);
  const literal = literalAddress(url.hostname);
  const answers = literal
    ? [{ address: literal, family: ipaddr.parse(literal).kind() === "ipv6" ? 6 : 4 }]
    : await resolve(url.hostname).catch((error: unknown) => {
        throw new UnsafeUrlError(
          `${url.hostname} does not resolve (${error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error)})`,
          true,
        );
      });
  if (answers.length === 0) throw new UnsafeUrlError(`${url.hostname} does not resolve`, true);
  if (!isAllowListed(url, policy)) {
    const blocked = answers.find((answer) => !isPublicAddress(answer.address));
    if (blocked) throw new UnsafeUrlError(refusal(url.hostname, blocked.address));
  }
  const first = answers[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/**
 * The check when a URL is saved (a connection's address, a token URL): the same rules, but a
 * name that does not resolve yet is accepted, because every request checks again before it goes.
 */
export async function checkUrlForSaving(
  raw: string,
  policy: UrlPolicy,
  resolve: Resolver = systemResolver,
): Promise<URL> {
  try {
    return (await checkTarget(raw, policy, resolve)).url;
  } catch (error) {
    if (error instanceof UnsafeUrlError && error.unresolved) return checkUrlShape(raw, policy);
    throw error;
  }
}
