import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { readSimulatorTarget, simulatorTargetsFile } from "../src/server/demo/simulator-targets";
import { DEMO, saveScreenshot, signIn, simulate, simulatorControls } from "./helpers";

test.describe("the event timeline and the queue", () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, DEMO.email, DEMO.password);
    await expect(page).toHaveURL(/\/t\/demo/);
  });

  test("a simulated sale turns the item Sold and appears in the timeline, without reloading", async ({ page }) => {
    await page.goto(`/t/${DEMO.slug}/items?q=ART-0021`);
    await page.getByRole("link", { name: "ART-0021" }).click();
    await expect(page.getByTestId("item-now")).toContainText("Available");
    await simulate("sale", "ART-0021");
    await expect(page.getByTestId("item-now")).toContainText("Sold", { timeout: 20_000 });
    await expect(page.getByTestId("item-timeline").locator('[data-kind="change"]').last()).toContainText("Stock 1 → 0");
    await expect(page.getByTestId("item-timeline").locator('[data-kind="push"]')).toHaveCount(2, { timeout: 20_000 });
    await saveScreenshot(page, "item-timeline");

    await page.goto(`/t/${DEMO.slug}/events`);
    const firstRow = page.getByTestId("event-row").first();
    await simulate("sale", "ART-0022");
    await expect(firstRow).toContainText("ART-0022", { timeout: 20_000 });
    await expect(firstRow).toContainText("marked Sold");
    await firstRow.click();
    const drawer = page.getByRole("dialog", { name: "Webhook event" });
    await expect(drawer.getByTestId("event-changes")).toContainText("1 → 0");
    await expect(drawer.getByTestId("event-pushes")).toContainText("Delivered");
    await expect(drawer).toContainText("matched");
    await saveScreenshot(page, "event-drawer");
    await page.keyboard.press("Escape");
    await expect(drawer).toHaveCount(0);
    await saveScreenshot(page, "events");
  });

  test("the drawer shows the request as sent with secrets masked, and its curl copy is accepted as signed", async ({
    page,
    context,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto(`/t/${DEMO.slug}/events`);
    await simulate("sale", "ART-0028");
    const row = page.getByTestId("event-row").filter({ hasText: "ART-0028" }).first();
    await expect(row).toContainText("marked Sold", { timeout: 20_000 });
    await row.click();
    const drawer = page.getByRole("dialog", { name: "Webhook event" });
    const headers = drawer.getByTestId("event-headers");
    await expect(headers).toContainText("x-sam-signature");
    await expect(headers).toContainText("masked, 64 characters");
    await expect(headers).not.toContainText("x-forwarded-for");
    const body = drawer.getByTestId("event-body");
    await expect(body).toHaveAttribute("data-view", "formatted");
    await expect(body).toContainText('"sku": "ART-0028"');
    await drawer.getByRole("button", { name: "Raw" }).click();
    await expect(body).toHaveAttribute("data-view", "raw");
    await expect(body).not.toContainText("changes"); // the internal wrapper stays out of view

    // Aimed at the app's own webhook URL: the replay must pass the real signature check there.
    const target = readSimulatorTarget(DEMO.slug, "sam", simulatorTargetsFile(process.env.DATA_DIR))!;
    await drawer.getByLabel("Target URL").fill(target.url);
    await drawer.getByRole("button", { name: "Copy as curl" }).click();
    const shown = drawer.getByTestId("curl-command");
    await expect(shown).toContainText("--data-binary");
    await expect(drawer.getByRole("status").filter({ hasText: "Copied, signature included" })).toBeVisible();
    const command = await page.evaluate(() => navigator.clipboard.readText());
    const signature = /x-sam-signature: ([0-9a-f]{64})/.exec(command)?.[1];
    expect(signature, command).toBeTruthy();
    await expect(shown).not.toContainText(signature!);
    await expect(headers).not.toContainText(signature!);
    await saveScreenshot(page, "event-drawer-curl");

    const replayed = JSON.parse(execFileSync("bash", ["-c", command], { encoding: "utf8" })) as { status?: string };
    expect(replayed.status).toBe("DUPLICATE"); // signature VALID; the same delivery is recognised, not applied twice
    const tampered = execFileSync(
      "bash",
      ["-c", `${command.replace("ART-0028", "ART-0029")} -o /dev/null -w '%{http_code}'`],
      {
        encoding: "utf8",
      },
    );
    expect(tampered).toBe("401");
  });

  test("filters the timeline by status, signature verdict and search", async ({ page }) => {
    const target = readSimulatorTarget(DEMO.slug, "sam", simulatorTargetsFile(process.env.DATA_DIR));
    const forged = await fetch(target!.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-sam-signature": "0".repeat(64) },
      body: JSON.stringify({ event_id: "forged-1" }),
    });
    expect(forged.status).toBe(401);

    await page.goto(`/t/${DEMO.slug}/events`);
    await page.getByLabel("Signature").selectOption("INVALID");
    await expect(page).toHaveURL(/verdict=INVALID/);
    await expect(page.getByTestId("event-row").first()).toContainText("Rejected");
    for (const row of await page.getByTestId("event-row").all())
      await expect(row).toHaveAttribute("data-status", "REJECTED");
    // Refused requests are counted, not stored one row each: the timeline says how many there were.
    await expect(page.getByTestId("refused-summary")).toContainText(/\d+ requests? refused in the last 24 h/);
    await saveScreenshot(page, "events-filtered");

    await page.getByRole("button", { name: "Clear" }).click();
    await page.getByLabel("Search").fill("ART-0021");
    // Every delivery about the product: the sale, and the storefronts' own webhooks naming it.
    await expect(page).toHaveURL(/q=ART-0021/);
    await expect(page.getByTestId("event-row").first()).toContainText("ART-0021");
    for (const item of await page.getByTestId("event-item").all()) await expect(item).toHaveText("ART-0021");

    await page.getByLabel("Search").fill("no-such-sku");
    await expect(page.getByText("No events match these filters")).toBeVisible();
  });

  test("search ignores case and finds part of a SKU; rows open from the keyboard; times say how long ago", async ({
    page,
  }) => {
    await page.goto(`/t/${DEMO.slug}/events`);
    await page.getByLabel("Search").fill("art-002");
    // Applied as typed (after a pause), no Apply button.
    await expect(page).toHaveURL(/q=art-002/);
    const rows = page.getByTestId("event-row");
    await expect(rows.first()).toBeVisible();
    for (const item of await page.getByTestId("event-item").all()) await expect(item).toContainText(/ART-002\d/);
    const received = rows.first().locator("time");
    await expect(received).toHaveAttribute("datetime", /^\d{4}-\d\d-\d\dT/);
    await expect(received).toHaveAttribute("title", /\d\d:\d\d:\d\d/);
    await expect(received).toHaveText(/ago|just now/);

    await rows.first().focus();
    await page.keyboard.press("Enter");
    const drawer = page.getByRole("dialog", { name: "Webhook event" });
    await expect(drawer).toBeVisible();
    await expect(page).toHaveURL(/event=/);
    await expect(drawer.getByRole("button", { name: "Copy event id" })).toBeVisible();
    await saveScreenshot(page, "event-drawer-keyboard");
  });

  test("a delivery that failed while a storefront was down is replayed from the queue after it recovers", async ({
    page,
  }) => {
    test.setTimeout(240_000);
    await simulatorControls("woocommerce:demo", { outage: "error", outageStatus: 503 });
    try {
      await simulate("sale", "ART-0023");
      await page.goto(`/t/${DEMO.slug}/queue`);
      await expect(page.getByTestId("dead-letter-row").first()).toBeVisible({ timeout: 180_000 });
    } finally {
      await simulatorControls("woocommerce:demo", null);
    }
    await expect(page.getByTestId("dead-letter-row")).toHaveCount(1);
    await saveScreenshot(page, "queue-failed");

    await page.getByTestId("dead-letter-row").getByRole("link").click();
    const drawer = page.getByRole("dialog", { name: "Webhook event" });
    await expect(drawer.getByTestId("event-status")).toContainText("Failed");
    await expect(drawer.getByTestId("event-pushes")).toContainText("Gallery shop (WooCommerce)");
    await drawer.getByRole("button", { name: "Replay event" }).click();
    await expect(drawer.getByTestId("event-status")).toContainText("Applied", { timeout: 60_000 });
    await expect(drawer.getByTestId("event-pushes").getByText("Failed")).toHaveCount(0, { timeout: 60_000 });

    const storefront = await fetch(`${process.env.SIM_URL}/_control/woocommerce:demo/items/ART-0023`);
    expect(((await storefront.json()) as { quantity: number }).quantity).toBe(0);
    await page.goto(`/t/${DEMO.slug}/queue`);
    await expect(page.getByText("Nothing failed")).toBeVisible();
    await saveScreenshot(page, "queue");
  });
});
