import { type z } from "zod";
import { type HttpClient } from "../http";
import { AuthError, RateLimitedError, RequestRejectedError, ValidationError } from "../errors";
import { graphqlEnvelopeSchema, type ShopifyCost } from "./schemas";

/**
 * Shopify meters GraphQL by query cost from a leaky bucket and reports the bucket after every
 * call. We remember each operation's cost and the bucket level, and wait for it to refill
 * before sending, so throttling shows up as a short pause rather than a failed sync.
 */
const MAX_THROTTLED_RETRIES = 10;

interface Bucket {
  available: number;
  maximum: number;
  restoreRate: number;
  observedAt: number;
}

export class ShopifyGraphql {
  private bucket: Bucket | undefined;
  private readonly costs = new Map<string, number>();

  constructor(private readonly client: HttpClient) {}

  async run<T>(
    operation: string,
    query: string,
    variables: Record<string, unknown>,
    schema: z.ZodType<T>,
    options: { idempotent?: boolean; policy?: object } = {},
  ): Promise<T> {
    for (let throttled = 0; ; throttled++) {
      await this.waitForCapacity(this.costs.get(operation) ?? 0);
      const { data: envelope } = await this.client.request({
        method: "POST",
        path: "/graphql.json",
        body: { query, variables },
        schema: graphqlEnvelopeSchema,
        // Queries only read; a mutation is repeated only when its caller vouches for it.
        idempotent: options.idempotent ?? !query.trimStart().startsWith("mutation"),
        policy: options.policy,
      });
      const cost = envelope.extensions?.cost;
      if (cost) this.observe(operation, cost);

      const errors = envelope.errors ?? [];
      if (errors.some((error) => error.extensions?.code === "THROTTLED")) {
        // The throttled call was not executed; the next loop waits for the refill it needs.
        if (throttled >= MAX_THROTTLED_RETRIES)
          throw new RateLimitedError(
            `Shopify ${operation}: still throttled`,
            this.refillMs(cost?.requestedQueryCost ?? 0),
          );
        if (!cost) await this.client.sleep(1_000);
        continue;
      }
      if (errors.length > 0) {
        const message = `Shopify ${operation}: ${errors.map((error) => error.message).join("; ")}`;
        if (errors.some((error) => error.extensions?.code === "ACCESS_DENIED"))
          throw new AuthError(message, { status: 403 });
        throw new RequestRejectedError(message);
      }
      const parsed = schema.safeParse(envelope.data);
      if (!parsed.success)
        throw new ValidationError(`Shopify ${operation}: unexpected response shape`, parsed.error.issues);
      return parsed.data;
    }
  }

  private observe(operation: string, cost: ShopifyCost) {
    this.costs.set(operation, cost.requestedQueryCost);
    const { maximumAvailable, currentlyAvailable, restoreRate } = cost.throttleStatus;
    this.bucket = {
      available: currentlyAvailable,
      maximum: maximumAvailable,
      restoreRate,
      observedAt: this.client.now(),
    };
  }

  private refillMs(cost: number): number {
    const bucket = this.bucket;
    if (!bucket || bucket.restoreRate <= 0) return 0;
    const elapsedSeconds = (this.client.now() - bucket.observedAt) / 1000;
    const available = Math.min(bucket.maximum, bucket.available + elapsedSeconds * bucket.restoreRate);
    return available >= cost ? 0 : Math.ceil(((cost - available) / bucket.restoreRate) * 1000);
  }

  private async waitForCapacity(cost: number) {
    const wait = this.refillMs(cost);
    if (wait > 0) await this.client.sleep(wait);
  }
}
