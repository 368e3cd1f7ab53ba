// Preloaded into the app (`BENCH_APP_NODE_OPTIONS="--import ./bench/heap-probe.mjs"`) to tell a
// memory peak's live objects from garbage V8 has not collected yet: right after each full
// (mark-compact) collection the heap in use is what survived it, so the largest such figure over
// a scenario is its live set at most. Observing collections changes nothing about when they run.
// Each process writes heap-<pid>.json to BENCH_HEAP_PROBE_DIR (default .prof/) every second.
import fs from "node:fs";
import path from "node:path";
import { PerformanceObserver, constants } from "node:perf_hooks";
import v8 from "node:v8";

const directory = path.resolve(process.env.BENCH_HEAP_PROBE_DIR ?? ".prof");
const file = path.join(directory, `heap-${process.pid}.json`);
const probe = { pid: process.pid, majorCollections: 0, liveAfterMajorMax: 0, liveAfterMajorLast: 0, rssMax: 0 };

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
    const live = v8.getHeapStatistics().used_heap_size;
    probe.majorCollections += 1;
    probe.liveAfterMajorLast = live;
    probe.liveAfterMajorMax = Math.max(probe.liveAfterMajorMax, live);
  }
}).observe({ entryTypes: ["gc"] });

fs.mkdirSync(directory, { recursive: true });
setInterval(() => {
  probe.rssMax = Math.max(probe.rssMax, process.memoryUsage.rss());
  fs.writeFileSync(file, JSON.stringify(probe));
}, 1_000).unref();
