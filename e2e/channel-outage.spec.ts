import { expect, test } from "@playwright/test";
import { DEMO, saveScreenshot, signIn, simulate, simulatorControls } from "./helpers";

/**
 * A storefront outage as a shop owner sees it: the demo gallery's WooCommerce shop is down when a
 * one-of-a-kind painting sells. The Shopify store gets the sale at once; the Overview names the
 * failing shop and the SKU it has not received, the event row reads "Retrying n/7", the drawer
 * has a line per storefront — and all of it clears once the shop is back.
 */
const SKU = "ART-0005";
const WOO = "Gallery shop (WooCommerce)";
const SHOPIFY = "Prints store (Shopify)";

test.describe("a storefront outage", () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, DEMO.email, DEMO.password);
    // The first page after a cold start can take a while on a busy machine.
    await expect(page).toHaveURL(/\/t\/demo/, { timeout: 60_000 });
  });

  test("shows the failing storefront everywhere while it is down, and clears after it recovers", async ({ page }) => {
    test.setTimeout(300_000);
    // Every connection is reconciled first, as a user would with Resync. A reconcile that comes due
    // during the test (the storefronts' drift checks are due at the first 5-minute tick after the
    // seed) could read a store before the outage and the sale, then push the sale itself: the
    // Overview would name the SKU from that push while the webhook's own push waits behind it.
    // After these runs none comes due again for hours.
    for (const [connection, button] of [
      ["Gallery collection (SAM)", "Resync now"],
      [WOO, "Resync (check storefront)"],
      [SHOPIFY, "Resync (check storefront)"],
    ] as const) {
      await page.goto(`/t/${DEMO.slug}/connections`);
      await page.getByRole("link", { name: connection, exact: true }).click();
      const resync = page.getByRole("button", { name: button });
      await expect(resync).toBeEnabled({ timeout: 60_000 });
      await resync.click();
      await expect(page.getByTestId("sync-progress")).toContainText("Succeeded", { timeout: 60_000 });
    }

    await simulatorControls("woocommerce:demo", { outage: "error", outageStatus: 503 });
    try {
      await simulate("sale", SKU);

      // The Overview: a banner naming the shop and the SKU, and the shop reading Failing.
      await page.goto(`/t/${DEMO.slug}`);
      const banner = page.getByTestId("overview-alert").filter({ hasText: `${WOO} is failing` });
      await expect(banner).toContainText(SKU, { timeout: 30_000 });
      await expect(page.getByTestId("overview-connection").filter({ hasText: WOO })).toContainText("Failing");
      await expect(page.getByTestId("overview-connection").filter({ hasText: SHOPIFY })).not.toContainText("Failing");
      await saveScreenshot(page, "outage-overview");

      // The banner's link: the Events page filtered to what the shop has not received.
      await banner.getByRole("link", { name: "See the affected events" }).click();
      await expect(page.getByTestId("undelivered-filter")).toContainText(WOO);
      const row = page.getByTestId("event-row").filter({ hasText: SKU }).first();
      await expect(row.getByTestId("push-line").filter({ hasText: WOO })).toContainText(
        /Retrying \d\/7 — next attempt at \d\d:\d\d:\d\d|Paused/,
      );
      await expect(row.getByTestId("push-line").filter({ hasText: SHOPIFY })).toContainText("Delivered");
      await saveScreenshot(page, "outage-events");

      // The drawer: a line per storefront, the failing one with its plain-words error, every attempt listed.
      await row.click();
      const drawer = page.getByRole("dialog", { name: "Webhook event" });
      const lines = drawer.getByTestId("event-pushes").getByTestId("push-line");
      await expect(lines).toHaveCount(2);
      await expect(lines.filter({ hasText: WOO })).toContainText(/Retrying \d\/7|Paused/);
      await expect(lines.filter({ hasText: WOO })).toContainText("is down or failing (HTTP 503)");
      await expect(lines.filter({ hasText: SHOPIFY })).toHaveAttribute("data-phase", "delivered");
      await expect(
        drawer
          .getByTestId("attempt")
          .filter({ hasText: `Push to ${WOO}` })
          .first(),
      ).toContainText("Failed");
      await saveScreenshot(page, "outage-drawer");
    } finally {
      await simulatorControls("woocommerce:demo", null);
    }

    // Recovered: the push gets through on its own next retry (or, if its retries ran out, by replay).
    const drawer = page.getByRole("dialog", { name: "Webhook event" });
    const wooLine = drawer.getByTestId("event-pushes").getByTestId("push-line").filter({ hasText: WOO });
    const replay = drawer.getByRole("button", { name: "Replay event" });
    await expect
      .poll(
        async () => {
          if (await replay.isVisible()) await replay.click();
          return wooLine.getAttribute("data-phase");
        },
        { timeout: 120_000, intervals: [1_000] },
      )
      .toBe("delivered");
    await expect(drawer.getByTestId("event-status")).toContainText("Applied");
    await saveScreenshot(page, "outage-recovered-drawer");
    await page.keyboard.press("Escape");

    // The filtered list (what the shop has not received) no longer holds the sale; the full list shows it delivered.
    await expect(page.getByTestId("event-row").filter({ hasText: SKU })).toHaveCount(0, { timeout: 15_000 });
    await page.goto(`/t/${DEMO.slug}/events?q=${SKU}`);
    const row = page.getByTestId("event-row").filter({ hasText: SKU }).first();
    await expect(row.getByTestId("push-line").filter({ hasText: WOO })).toHaveAttribute("data-phase", "delivered");
    await page.goto(`/t/${DEMO.slug}`);
    await expect(page.getByTestId("overview-alert").filter({ hasText: `${WOO} is failing` })).toHaveCount(0, {
      timeout: 30_000,
    });
    await expect(page.getByTestId("overview-connection").filter({ hasText: WOO })).not.toContainText("Failing", {
      timeout: 30_000,
    });
    await saveScreenshot(page, "outage-recovered-overview");
  });
});
