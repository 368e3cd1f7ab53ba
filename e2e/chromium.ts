/**
 * The browser every browser run here uses: Debian's Chromium (CHROMIUM_PATH to change), with the
 * flags that keep it quiet and offline. Shared by the Playwright config, its launcher script and
 * the bench's page timings, so all three measure the same browser.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];
