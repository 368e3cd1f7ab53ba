import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Locator, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH as CHROMIUM } from "../../e2e/chromium";
import { DEMO, signIn, simulate } from "../../e2e/helpers";
import { demoCatalogue } from "@/server/demo/demo-catalogue";
import { demoStoreSpecs } from "@sim";
import { runStep } from "../../scripts/lib/run";
import { waitForDrain } from "../drain";
import { round, summarise } from "../stats";
import { size, type BenchContext, type Figure, type Scenario } from "../types";

/**
 * What a user waits for in the browser: the demo tenant seeded as the browser tests seed it
 * (scripts/db-seed.ts), a few of its sales sent through the simulators as `simulate()` sends them,
 * then Debian's Chromium (playwright-core, CHROMIUM_PATH) signed in as the demo user. Each
 * dashboard page is timed from navigation to its main data being visible (the element the e2e
 * specs wait on), once cold and then warm (visited before) over repeats; the event drawer from
 * the click on an Events row to its content (the event's status section) being visible, warm.
 */

const PAGES: { name: string; path: string; ready: (page: Page) => Locator }[] = [
  { name: "Overview", path: "", ready: (page) => page.getByTestId("overview-connection").first() },
  { name: "Events", path: "/events", ready: (page) => page.getByTestId("event-row").first() },
  { name: "Items", path: "/items", ready: (page) => page.locator("tbody tr").first() },
  {
    name: "Connections",
    path: "/connections",
    ready: (page) => page.getByRole("link", { name: "Gallery collection (SAM)", exact: true }),
  },
  { name: "Queue", path: "/queue", ready: (page) => page.getByTestId("queue-totals") },
];

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export const pages: Scenario = {
  name: "pages",
  describe: "dashboard pages (navigation → main data visible) and the event drawer (click → content), in Chromium",
  needsStack: true,
  freshStack: true,
  async run(context: BenchContext) {
    const { stack, sim, log } = context;
    const repeats = size("BENCH_PAGES_REPEATS", 10, 3, context);
    const drawerOpens = size("BENCH_DRAWER_OPENS", 20, 10, context);
    const sales = size("BENCH_PAGES_SALES", 25, 12, context);
    if (!existsSync(CHROMIUM))
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH`,
      );
    const dataDir = mkdtempSync(join(tmpdir(), "stockhook-bench-pages-"));
    for (const spec of demoStoreSpecs()) if (!sim.stores.find(spec.provider, spec.id)) sim.stores.create(spec);
    // The demo seed and simulate() find the simulators and the webhook targets through these.
    const saved = { SIM_URL: process.env.SIM_URL, DATA_DIR: process.env.DATA_DIR };
    process.env.SIM_URL = sim.url;
    process.env.DATA_DIR = dataDir;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const env = { ...stack.env, SIM_URL: sim.url, DATA_DIR: dataDir };
      const tsx = ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server"];
      await runStep("bench: seed the demo tenant", process.execPath, [...tsx, "scripts/db-seed.ts"], env);
      const tenant = await stack.prisma.tenant.findUniqueOrThrow({ where: { slug: DEMO.slug } });
      const skus = demoCatalogue()
        .filter((item) => item.quantity > 0)
        .map((item) => item.sku);
      for (let i = 0; i < sales; i++) await simulate("sale", skus[i % skus.length]!);
      await waitForDrain(stack.prisma, [tenant.id]);
      log(`pages: demo tenant seeded, ${sales} sales delivered; signing in with ${CHROMIUM}`);

      const browserContext = await browser.newContext({ baseURL: stack.appUrl });
      const page = await browserContext.newPage();
      await signIn(page, DEMO.email, DEMO.password);
      await page.waitForURL(new RegExp(`/t/${DEMO.slug}`));

      const figures: Figure[] = [];
      const samples: Record<string, { cold: number; warm: number[] }> = {};
      const visit = (target: (typeof PAGES)[number]) =>
        timed(async () => {
          await page.goto(`/t/${DEMO.slug}${target.path}`, { waitUntil: "commit" });
          await target.ready(page).waitFor({ state: "visible" });
        });
      for (const target of PAGES) samples[target.name] = { cold: await visit(target), warm: [] };
      for (let i = 0; i < repeats; i++)
        for (const target of PAGES) samples[target.name]!.warm.push(await visit(target));
      for (const target of PAGES) {
        const { cold, warm } = samples[target.name]!;
        const summary = summarise(warm);
        log(`pages: ${target.name}: cold ${round(cold, 0)} ms, warm p50 ${summary.p50} ms, p95 ${summary.p95} ms`);
        figures.push({
          scenario: "pages",
          name: `${target.name} page, navigation → data visible: cold / warm p50 / warm p95 (${warm.length} visits)`,
          value: `${round(cold, 0)} / ${round(summary.p50, 0)} / ${round(summary.p95, 0)}`,
          unit: "ms",
        });
      }

      await page.goto(`/t/${DEMO.slug}/events`);
      const rows = page.getByTestId("event-row");
      await rows.first().waitFor({ state: "visible" });
      const rowCount = await rows.count();
      const drawer = page.getByRole("dialog", { name: "Webhook event" });
      // The Topic cell: plain text, where a click reaches the row's handler (not a link or checkbox).
      const open = (index: number) =>
        timed(async () => {
          await rows
            .nth(index % rowCount)
            .locator("td")
            .nth(3)
            .click();
          await drawer.getByTestId("event-status").waitFor({ state: "visible" });
        });
      // Closed is when the URL has lost ?event=: the drawer unmounts then. The closed <dialog> leaves
      // the accessibility tree at once, and a click before the unmount finds the old, closed drawer.
      const close = async () => {
        await page.keyboard.press("Escape");
        await page.waitForURL((url) => !url.searchParams.has("event"));
        await drawer.waitFor({ state: "detached" });
      };
      const opens: number[] = [];
      try {
        // Warm: every row opened once before the measured opens.
        for (let i = 0; i < Math.min(rowCount, drawerOpens); i++) {
          await open(i);
          await close();
        }
        for (let i = 0; i < drawerOpens; i++) {
          opens.push(await open(i));
          await close();
        }
      } catch (error) {
        const screenshot = join(tmpdir(), `bench-pages-drawer-${Date.now()}.png`);
        await page.screenshot({ path: screenshot, fullPage: true }).catch(() => undefined);
        throw new Error(`the drawer did not open or close at ${page.url()} (screenshot ${screenshot})`, {
          cause: error,
        });
      }
      const drawerSummary = summarise(opens);
      log(
        `pages: drawer over ${opens.length} opens of ${rowCount} rows: p50 ${drawerSummary.p50} ms, p95 ${drawerSummary.p95} ms`,
      );
      figures.push({
        scenario: "pages",
        name: `event drawer, click → content visible, warm: p50 / p95 / max (${opens.length} opens)`,
        value: `${round(drawerSummary.p50, 0)} / ${round(drawerSummary.p95, 0)} / ${round(drawerSummary.max, 0)}`,
        unit: "ms",
        target: "p95 ≤ 300 ms",
        met: drawerSummary.p95 <= 300,
      });
      await browserContext.close();
      return { figures, details: { pages: samples, drawerOpens: opens, rows: rowCount, sales } };
    } finally {
      await browser.close();
      process.env.SIM_URL = saved.SIM_URL;
      process.env.DATA_DIR = saved.DATA_DIR;
      if (saved.SIM_URL === undefined) delete process.env.SIM_URL;
      if (saved.DATA_DIR === undefined) delete process.env.DATA_DIR;
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
