import type { PrismaClient, Provider } from "@/generated/prisma/client";

export interface WebhookConnection {
  id: string;
  tenantId: string;
  provider: Provider;
}

const TTL_MS = 5_000;

/**
 * Which enabled connection a webhook URL names. Every delivery needs this, and it changes
 * rarely, so answers are kept for a few seconds: a connection disabled in another process stops
 * taking deliveries within TTL_MS, and at once in the process that disabled it (`forget`).
 * Unknown URLs are never cached, so a new connection works on its first delivery.
 */
export class ConnectionDirectory {
  private readonly entries = new Map<
    string,
    { tenantSlug: string; expiresAt: number; connection: WebhookConnection }
  >();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => number = Date.now,
  ) {}

  async find(tenantSlug: string, connectionId: string): Promise<WebhookConnection | null> {
    const cached = this.entries.get(connectionId);
    if (cached && cached.tenantSlug === tenantSlug && cached.expiresAt > this.now()) return cached.connection;
    const connection = await this.prisma.connection.findFirst({
      where: { id: connectionId, webhooksEnabled: true, tenant: { slug: tenantSlug } },
      select: { id: true, tenantId: true, provider: true },
    });
    if (connection) this.entries.set(connectionId, { tenantSlug, expiresAt: this.now() + TTL_MS, connection });
    else this.entries.delete(connectionId);
    return connection;
  }

  forget(connectionId: string): void {
    this.entries.delete(connectionId);
  }
}
