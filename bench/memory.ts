import { readFileSync } from "node:fs";
import path from "node:path";
import type { Stack } from "../integration/harness";
import { metricValue, scrapeAppMetrics } from "./app-metrics";
import { processGroup, processGroupRss, round } from "./stats";

/** The app's V8 heap and off-heap memory as its /api/metrics reports them (prom-client's defaults). */
interface HeapReading {
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export interface MemoryWindow {
  rssStart: number;
  rssPeak: number;
  /** The heap reading taken with the highest RSS sample, when the scrape answered. */
  atPeak: HeapReading | null;
  /** From bench/heap-probe.mjs, when the app was started with it. */
  live: LiveHeap | null;
}

/** The largest heap in use right after a full collection, summed over the app's processes. */
interface LiveHeap {
  afterFullCollectionMax: number;
  fullCollections: number;
}

/** What bench/heap-probe.mjs wrote for the app's processes; null when none ran with it. */
function readHeapProbes(pgid: number): LiveHeap | null {
  const directory = path.resolve(process.env.BENCH_HEAP_PROBE_DIR ?? ".prof");
  const probes = processGroup(pgid).flatMap(({ pid }) => {
    try {
      return [JSON.parse(readFileSync(path.join(directory, `heap-${pid}.json`), "utf8")) as HeapProbe];
    } catch {
      return [];
    }
  });
  if (!probes.length) return null;
  return {
    afterFullCollectionMax: probes.reduce((sum, probe) => sum + probe.liveAfterMajorMax, 0),
    fullCollections: probes.reduce((sum, probe) => sum + probe.majorCollections, 0),
  };
}

interface HeapProbe {
  liveAfterMajorMax: number;
  majorCollections: number;
}

const METRICS = {
  heapUsed: "nodejs_heap_size_used_bytes",
  heapTotal: "nodejs_heap_size_total_bytes",
  external: "nodejs_external_memory_bytes",
} as const;

async function readHeap(stack: Stack, url: string): Promise<HeapReading | null> {
  const text = await scrapeAppMetrics(stack, url);
  if (!text) return null;
  const reading = {
    heapUsed: metricValue(text, METRICS.heapUsed),
    heapTotal: metricValue(text, METRICS.heapTotal),
    external: metricValue(text, METRICS.external),
  };
  return Object.values(reading).every(Number.isFinite) ? reading : null;
}

/**
 * The app's resident memory (its process group) sampled every `everyMs`, and with each sample the
 * V8 heap it reports, so the peak can be told apart: heap in use (objects, live or not yet
 * collected), heap V8 keeps with nothing in it (heap total − used), buffers off the heap
 * (external), and the rest (code, the Prisma query compiler's WebAssembly memory, native
 * allocations).
 */
export function startMemorySampler(stack: Stack, instance = 0, everyMs = 2_000) {
  const pid = stack.instances[instance]!.pid()!;
  const url = stack.instanceUrls[instance]!;
  const rssStart = processGroupRss(pid);
  const window: MemoryWindow = { rssStart, rssPeak: rssStart, atPeak: null, live: null };
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => {
      const rss = processGroupRss(pid);
      const heap = await readHeap(stack, url);
      if (rss >= window.rssPeak) {
        window.rssPeak = rss;
        window.atPeak = heap;
      }
    });
  }, everyMs);
  return {
    async stop(): Promise<MemoryWindow> {
      clearInterval(timer);
      await sampling;
      window.live = readHeapProbes(pid);
      return window;
    },
  };
}

const mib = (bytes: number) => `${round(bytes / 2 ** 20)} MiB`;

/**
 * "250 MiB → 611 MiB; at the peak: V8 heap 310 MiB (180 MiB in use), external 40 MiB, other
 * 261 MiB; live objects at most 120 MiB (after 14 full collections)".
 */
export function describeMemory(window: MemoryWindow): string {
  const parts = [`${mib(window.rssStart)} → ${mib(window.rssPeak)}`];
  const heap = window.atPeak;
  if (heap) {
    const other = window.rssPeak - heap.heapTotal - heap.external;
    parts.push(
      `at the peak: V8 heap ${mib(heap.heapTotal)} (${mib(heap.heapUsed)} in use), external ${mib(heap.external)}, other ${mib(other)}`,
    );
  }
  if (window.live)
    parts.push(
      `live objects at most ${mib(window.live.afterFullCollectionMax)} (after ${window.live.fullCollections} full collections)`,
    );
  return parts.join("; ");
}
