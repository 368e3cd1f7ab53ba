// Preloaded into the app (`BENCH_APP_NODE_OPTIONS="--import ./bench/cpu-profile.mjs"`) because
// Node refuses --cpu-prof in NODE_OPTIONS. Samples every 250 µs and writes one .cpuprofile per
// process to BENCH_CPU_PROFILE_DIR (default .prof/) when the process exits; open it in Chrome
// DevTools (Performance → Load profile) or speedscope.
import fs from "node:fs";
import inspector from "node:inspector";
import path from "node:path";

const directory = path.resolve(process.env.BENCH_CPU_PROFILE_DIR ?? ".prof");
const session = new inspector.Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 250 });
session.post("Profiler.start");

let written = false;
function write() {
  if (written) return;
  written = true;
  // The in-process session answers synchronously, so this completes inside an exit handler.
  session.post("Profiler.stop", (error, result) => {
    if (error || !result) return;
    fs.mkdirSync(directory, { recursive: true });
    fs.writeFileSync(path.join(directory, `app-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
}
process.on("exit", write);
