import { expect, test, type Page } from "@playwright/test";
import { DEMO, saveScreenshot, signIn } from "./helpers";

/**
 * Full-page screenshots of every page, at desktop width and on a 390 px phone, into
 * test-results/screenshots/pages-<width>-<name>.png: the review copy of the dashboard as it looks.
 */
const VIEWPORTS = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "390", width: 390, height: 844 },
];

const PUBLIC_PAGES = [
  ["signin", "/signin"],
  ["signup", "/signup"],
  ["forgot-password", "/forgot-password"],
] as const;

/** The first link in `main` whose href matches, as a path (detail pages need a real id). */
async function firstLink(page: Page, listPath: string, pattern: RegExp): Promise<string | null> {
  await page.goto(listPath);
  const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
  return hrefs.find((href) => pattern.test(href)) ?? null;
}

for (const viewport of VIEWPORTS) {
  test.describe(`pages at ${viewport.name}`, () => {
    test.use({ viewport: { width: viewport.width, height: viewport.height } });

    test("public pages", async ({ page }) => {
      for (const [name, path] of PUBLIC_PAGES) {
        await page.goto(path);
        await expect(page.locator("h1, h2").first()).toBeVisible();
        await saveScreenshot(page, `pages-${viewport.name}-${name}`);
      }
    });

    test("workspace pages", async ({ page }) => {
      test.setTimeout(180_000);
      await signIn(page, DEMO.email, DEMO.password);
      await expect(page).toHaveURL(/\/t\/demo/);
      const base = `/t/${DEMO.slug}`;
      const pages: [string, string | null][] = [
        ["overview", base],
        ["connections", `${base}/connections`],
        ["connection-new", `${base}/connections/new`],
        ["connection", await firstLink(page, `${base}/connections`, /\/connections\/(?!new)[^/]+$/)],
        ["items", `${base}/items`],
        ["item", await firstLink(page, `${base}/items`, /\/items\/[^/?]+$/)],
        ["events", `${base}/events`],
        ["queue", `${base}/queue`],
        ["sync-runs", `${base}/sync-runs`],
        ["sync-run", await firstLink(page, `${base}/sync-runs`, /\/sync-runs\/[^/?]+$/)],
        ["webhooks", `${base}/webhooks`],
        ["settings", `${base}/settings`],
        ["new-workspace", "/new-tenant"],
      ];
      for (const [name, path] of pages) {
        if (!path) continue;
        await page.goto(path);
        await expect(page.locator("h1").first()).toBeVisible();
        // Let client-side data (charts, tables) arrive before the picture.
        await page.waitForTimeout(700);
        await saveScreenshot(page, `pages-${viewport.name}-${name}`);
      }
    });
  });
}
