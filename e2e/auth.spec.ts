import { expect, test } from "@playwright/test";
import { DEMO, saveScreenshot, signIn, signUpAndConfirm } from "./helpers";

test("a new user signs up, confirms their address by mail, lands in their own tenant, signs out and signs back in", async ({
  page,
}) => {
  const email = `owner-${Date.now()}@example.test`;
  await page.goto("/");
  await page.getByRole("link", { name: "Create an account" }).click();
  await signUpAndConfirm(page, {
    name: "Mara Quinn",
    email,
    password: "correct horse battery",
    tenantName: "Quinn Fine Art",
    tenantKind: "GALLERY",
  });

  await expect(page).toHaveURL(/\/t\/quinn-fine-art/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "No connections yet" })).toBeVisible();
  await expect(page.getByLabel("Switch workspace")).toHaveValue(/quinn-fine-art/);
  await saveScreenshot(page, "signup-overview");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);

  await signIn(page, email, "correct horse battery");
  await expect(page).toHaveURL(/\/t\/quinn-fine-art/);
  await expect(page.getByText("Mara Quinn")).toBeVisible();
});

test("sign-up explains invalid input inline", async ({ page }) => {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill("Short Password");
  await page.getByLabel("Work email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByLabel("Gallery, store or site name").fill("X Gallery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#email-error")).toHaveText("Enter a valid email address");
  await expect(page.locator("#password-error")).toHaveText("Use at least 10 characters");
  await expect(page.locator("form [role=alert]")).toHaveCount(0);
  await expect(page).toHaveURL(/\/signup/);
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await signIn(page, DEMO.email, "not-the-password");
  await expect(page.locator("form [role=alert]")).toHaveText("That email and password don't match an account.");
  await expect(page).toHaveURL(/\/signin/);
});

test("the seeded demo tenant shows its connections and items", async ({ page }) => {
  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/);
  await expect(page.getByLabel("Switch workspace")).toHaveValue("demo");
  await expect(page.getByRole("link", { name: "Gallery collection (SAM)", exact: true })).toBeVisible();
  await saveScreenshot(page, "demo-overview");

  await page.getByRole("link", { name: "Connections" }).click();
  await expect(page.getByRole("cell", { name: "Prints store (Shopify)" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Gallery shop (WooCommerce)" })).toBeVisible();
  await saveScreenshot(page, "demo-connections");

  await page.getByRole("link", { name: "Items" }).click();
  await page.getByLabel("Search by SKU or title").fill("ART-0007");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.locator('tr[data-sku="ART-0007"]')).toContainText("Available");
  await saveScreenshot(page, "demo-items");
});

test("another tenant's dashboard is not found, and signed-out visitors are sent to sign in", async ({ page }) => {
  await page.goto("/t/demo");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Ft%2Fdemo/);

  const email = `outsider-${Date.now()}@example.test`;
  await signUpAndConfirm(page, {
    name: "Outsider",
    email,
    password: "outsider-password",
    tenantName: "Outsider Store",
    tenantKind: "STORE",
  });
  await expect(page).toHaveURL(/\/t\/outsider-store/);

  const response = await page.goto("/t/demo");
  expect(response?.status()).toBe(404);
  await expect(page.getByText("Harbour Gallery")).toHaveCount(0);
});
