import {
  connectorConfigFor,
  createSimulator,
  externalIdOf,
  type SimProvider,
  type Simulator,
  type SimStore,
  type StoreSpec,
} from "@sim";
import { type ConnectorFor, createConnector } from "@/server/connectors";
import { type RetryPolicy } from "@/server/connectors/http";
import { type ConnectorProvider, type SourceStockItem, type StockPage } from "@/server/connectors/types";

/** Test support: a simulator with one store and a connector pointed at it, retries kept fast. */
export const FAST_POLICY: Partial<RetryPolicy> = { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000, maxRetries: 2 };

export interface SimFixture<P extends ConnectorProvider> {
  sim: Simulator;
  store: SimStore;
  connector: ConnectorFor[P];
  connectorWith(overrides: {
    credentials?: object;
    baseUrl?: string;
    policy?: Partial<RetryPolicy>;
    allowList?: string[];
  }): ConnectorFor[P];
  close(): Promise<void>;
}

export async function simFixture<P extends ConnectorProvider>(
  provider: SimProvider,
  spec: Partial<StoreSpec> = {},
): Promise<SimFixture<P>> {
  const sim = await createSimulator({ seed: 7 });
  const store = sim.stores.create({ provider, id: "shop1", size: 300, ...spec });
  const config = sim.connectorConfig(store);
  const connectorWith: SimFixture<P>["connectorWith"] = ({ credentials, baseUrl, policy, allowList }) =>
    createConnector({
      provider: config.provider,
      baseUrl: baseUrl ?? config.baseUrl,
      credentials: { ...config.credentials, ...credentials },
      http: {
        network: { allowList: [...config.http.network.allowList, ...(allowList ?? [])] },
        policy: { ...FAST_POLICY, ...policy },
      },
    } as Parameters<typeof createConnector>[0]) as ConnectorFor[P];
  return { sim, store, connector: connectorWith({}), connectorWith, close: () => sim.close() };
}

/** The real connector for one of the simulator's stores with no retries, so one push is one request. */
export function noRetryConnector(sim: Simulator, storeKey: string, policy: Partial<RetryPolicy> = {}) {
  const config = connectorConfigFor(sim.stores.require(storeKey), sim.url);
  return createConnector({
    ...config,
    http: { ...config.http, policy: { maxRetries: 0, timeoutMs: 2_000, ...policy } },
  } as never);
}

/** Follows cursors to the end; `afterPage` may change the store mid-scan. */
export async function scanAll(
  list: (cursor?: string) => Promise<StockPage>,
  afterPage?: (page: number) => void,
): Promise<SourceStockItem[]> {
  const items: SourceStockItem[] = [];
  let cursor: string | undefined;
  for (let page = 1; ; page++) {
    const result = await list(cursor);
    items.push(...result.items);
    afterPage?.(page);
    if (!result.nextCursor) return items;
    cursor = result.nextCursor;
  }
}

export function liveExternalIds(store: SimStore): string[] {
  return store.catalogue.indices({ includeArchived: true }).map((index) => externalIdOf(store, index));
}

export function countBy<T>(values: readonly T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
