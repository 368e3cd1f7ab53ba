import type { PrismaClient } from "@/generated/prisma/client";

/**
 * The addresses that delivered a validly signed webhook for a connection: the platform's own
 * senders as this deployment has seen them. A signature failure from one of them is evidence
 * that the platform signs with another secret; a failure from anywhere else is only evidence
 * that someone sent a forgery, so only the former feeds the "different secret" alert.
 *
 * Written at most once per address and connection every WRITE_INTERVAL_MS per process; read
 * (only after a signature failure) at most once per connection every CACHE_MS.
 */
const WRITE_INTERVAL_MS = 10 * 60_000;
const CACHE_MS = 60_000;
/** Addresses not seen delivering validly for this long stop counting as the platform's. */
export const KNOWN_SOURCE_MEMORY_MS = 30 * 24 * 60 * 60_000;
const MAX_ADDRESSES_READ = 5_000;

export class KnownSourceAddresses {
  private readonly cache = new Map<string, { expiresAt: number; addresses: Set<string> }>();
  private readonly written = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records that `address` delivered a valid webhook for the connection (fire and forget). */
  remember(tenantId: string, connectionId: string, address: string | null): void {
    if (!address) return;
    const now = this.now();
    this.cache.get(connectionId)?.addresses.add(address);
    const key = `${connectionId} ${address}`;
    if (now - (this.written.get(key) ?? -Infinity) < WRITE_INTERVAL_MS) return;
    if (this.written.size > 100_000) this.written.clear();
    this.written.set(key, now);
    const at = new Date(now);
    void this.prisma.webhookSourceAddress
      .upsert({
        where: { connectionId_address: { connectionId, address } },
        create: { tenantId, connectionId, address, lastValidAt: at },
        update: { lastValidAt: at },
      })
      .catch(() => this.written.delete(key));
  }

  async isKnown(tenantId: string, connectionId: string, address: string | null): Promise<boolean> {
    if (!address) return false;
    // Seen valid by this process: known even before its write has landed.
    if (this.written.has(`${connectionId} ${address}`)) return true;
    const now = this.now();
    let entry = this.cache.get(connectionId);
    if (!entry || entry.expiresAt <= now) {
      const rows = await this.prisma.webhookSourceAddress.findMany({
        where: { tenantId, connectionId, lastValidAt: { gt: new Date(now - KNOWN_SOURCE_MEMORY_MS) } },
        orderBy: { lastValidAt: "desc" },
        take: MAX_ADDRESSES_READ,
        select: { address: true },
      });
      entry = { expiresAt: now + CACHE_MS, addresses: new Set(rows.map((row) => row.address)) };
      this.cache.set(connectionId, entry);
    }
    return entry.addresses.has(address);
  }
}
