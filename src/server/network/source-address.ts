import { isIP } from "node:net";
import { env } from "@/env";

/**
 * The address a request came from, as the trusted proxies in front report it (webhook limits,
 * sign-in limits and audit rows all use it).
 *
 * Next.js writes the socket's address into `X-Forwarded-For` only when the request has none, so
 * without a proxy a client can claim any address. Behind `hops` proxies that each append the
 * address they saw (HAProxy `option forwardfor`, nginx `$proxy_add_x_forwarded_for`, cloud load
 * balancers), the `hops`-th entry from the right is the one the outermost trusted proxy saw:
 * entries further left were written by the client and are ignored. A request that passed fewer
 * proxies than configured (so no entry can be trusted) has no address (null).
 */
export function sourceAddressOf(headers: Headers, trustedProxyHops: number): string | null {
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (trustedProxyHops < 1 || forwarded.length < trustedProxyHops) return null;
  return normalise(forwarded[forwarded.length - trustedProxyHops]!);
}

function normalise(entry: string): string | null {
  // "[2001:db8::1]:443", "203.0.113.9:51234", "::ffff:203.0.113.9"
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  let address = bracketed ? bracketed[1]! : entry;
  if (!bracketed && /^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  if (/^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(address)) address = address.slice(7);
  return isIP(address) ? address.toLowerCase() : null;
}

/** The client's address behind the configured proxies (`TRUSTED_PROXY_HOPS`), or null when none can be trusted. */
export function clientAddressOf(headers: Headers): string | null {
  return sourceAddressOf(headers, env().TRUSTED_PROXY_HOPS);
}
