import { expect, test, type Page } from "@playwright/test";
import { DEMO, saveScreenshot, signIn, simulate } from "./helpers";

/**
 * Issue 20, "Mobile and keyboard" and "Charts": at 390 px the navigation is a menu, the Queue's
 * tables are cards with the status first, and no page scrolls sideways; from the keyboard a skip
 * link comes first, "/" focuses the search box and j/k move through the events. The Overview's
 * chart has axes, tooltips, a range switch and links into the Events page.
 */
/** A sale and its return at the gallery: two events for the timeline and the chart, stock unchanged. */
test.beforeAll(async () => {
  await simulate("sale", "ART-0020");
  await simulate("return", "ART-0020");
});

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test.beforeEach(async ({ page }) => {
    await signIn(page, DEMO.email, DEMO.password);
    await expect(page).toHaveURL(/\/t\/demo/);
  });

  test("the navigation is a menu button that opens a panel", async ({ page }) => {
    const nav = page.getByRole("navigation", { name: "Workspace" });
    await expect(nav).toBeHidden();
    const menu = page.getByRole("button", { name: /Menu/ });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await menu.click();
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await expect(nav).toBeVisible();
    await saveScreenshot(page, "mobile-menu-open");
    await nav.getByRole("link", { name: "Queue" }).click();
    await expect(page).toHaveURL(/\/queue$/);
    await expect(nav).toBeHidden();
    await expect(menu).toContainText("Queue");
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  });

  test("the Queue's tables are cards, the lead column first", async ({ page }) => {
    await page.goto(`/t/${DEMO.slug}/queue`);
    const table = page.locator("table.table-cards").first();
    await expect(table).toBeVisible();
    await expect(table.locator("thead")).not.toBeInViewport();
    const firstCell = table.locator("tbody tr").first().locator("td").first();
    expect(await firstCell.evaluate((cell) => getComputedStyle(cell).display)).toBe("block");
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await saveScreenshot(page, "mobile-queue");
  });

  test("no workspace page scrolls sideways", async ({ page }) => {
    await page.goto(`/t/${DEMO.slug}/connections`);
    const links = await page
      .locator("main a[href*='/connections/c']")
      .evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
    for (const path of [
      "",
      "/connections",
      ...links.slice(0, 2),
      "/items",
      "/queue",
      "/sync-runs",
      "/webhooks",
      "/settings",
    ]) {
      await page.goto(path.startsWith("/t/") ? path : `/t/${DEMO.slug}${path}`);
      await expect(page.locator("main h1").first()).toBeVisible();
      expect(await pageWidth(page), `${path} at 390 px`).toBeLessThanOrEqual(390);
    }
  });
});

test.describe("from the keyboard", () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, DEMO.email, DEMO.password);
    await expect(page).toHaveURL(/\/t\/demo/);
  });

  test("Tab reaches a skip link first; it lands on the content", async ({ page }) => {
    await page.goto(`/t/${DEMO.slug}/events`);
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeInViewport();
    await page.keyboard.press("Enter");
    await expect(page.locator("main")).toBeFocused();
  });

  test('"/" focuses the search box and j/k move through the events', async ({ page }) => {
    await page.goto(`/t/${DEMO.slug}/events`);
    const rows = page.getByTestId("event-row");
    await expect(rows.nth(1)).toBeVisible();
    await page.locator("main h1").click();
    await page.keyboard.press("/");
    const search = page.getByRole("search").getByRole("textbox").first();
    await expect(search).toBeFocused();
    // Typing "j" in the box is text, not a shortcut.
    await page.keyboard.type("j");
    await expect(search).toHaveValue("j");
    await search.fill("");
    await page.locator("main h1").click();
    await page.keyboard.press("j");
    const focusedRow = () =>
      page.evaluate(() =>
        [...document.querySelectorAll("main tbody tr")].findIndex((row) => row.contains(document.activeElement)),
      );
    expect(await focusedRow()).toBe(0);
    await page.keyboard.press("j");
    expect(await focusedRow()).toBe(1);
    await page.keyboard.press("k");
    expect(await focusedRow()).toBe(0);
  });
});

test.describe("the Overview chart", () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, DEMO.email, DEMO.password);
    await expect(page).toHaveURL(/\/t\/demo/);
  });

  test("has axes, a tooltip, a 1 h / 24 h / 7 d switch, and bars and cards that open the Events page", async ({
    page,
  }) => {
    await expect(page.getByRole("heading", { name: "Webhooks per hour" })).toBeVisible();
    const bars = page.getByTestId("chart-bar");
    await expect(bars).toHaveCount(24);
    await bars.last().hover();
    await expect(page.getByTestId("chart-tooltip")).toContainText("accepted");

    await page.getByRole("button", { name: "7 d" }).click();
    await expect(page.getByRole("heading", { name: "Webhooks per 6 hours" })).toBeVisible();
    await expect(bars).toHaveCount(28);
    await expect(page.getByRole("button", { name: "7 d" })).toHaveAttribute("aria-pressed", "true");
    await page.getByRole("button", { name: "1 h" }).click();
    await expect(page.getByRole("heading", { name: "Webhooks per 5 minutes" })).toBeVisible();
    await expect(bars).toHaveCount(12);
    await page.getByRole("button", { name: "24 h" }).click();
    await expect(bars).toHaveCount(24);
    await saveScreenshot(page, "overview-chart");

    // No blank strip under the page: the document ends with the content.
    const strip = await page.evaluate(() => {
      const main = document.querySelector("main")!;
      return document.documentElement.scrollHeight - main.getBoundingClientRect().bottom - window.scrollY;
    });
    expect(strip).toBeLessThan(40);

    await page.getByRole("link", { name: /failed or rejected/i }).click();
    await expect(page).toHaveURL(/\/events\?.*status=FAILED/);
    await page.goBack();
    await bars.last().click();
    await expect(page).toHaveURL(/\/events\?.*from=.*to=/);
  });
});
