import { expect, test } from "@playwright/test";
import { DEMO, saveScreenshot, signIn } from "./helpers";

/**
 * Issue 20, "Forms and first use": the connection wizard in plain words, credentials checked
 * before anything is created, "Run first sync" at the end for a storefront; destructive actions
 * ask in a real dialog; the only owner is never offered "Remove".
 */
const simulator = () => process.env.SIM_URL ?? "http://127.0.0.1:4010";

async function newSimulatorStore(provider: string, id: string) {
  const response = await fetch(`${simulator()}/_control/stores`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ provider, id, size: 0 }),
  });
  if (!response.ok) throw new Error(`simulator store: HTTP ${response.status} ${await response.text()}`);
}

test.beforeEach(async ({ page }) => {
  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/);
});

test("the wizard explains in words, refuses a wrong key before creating, and ends with Run first sync", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const id = `firstuse${Date.now().toString(36)}`;
  await newSimulatorStore("woocommerce", id);
  await page.goto(`/t/${DEMO.slug}/connections/new`);
  await page.getByRole("button", { name: /^WooCommerce/ }).click();

  // Help stays visible under the field while typing, not only as a placeholder.
  await expect(page.locator("#credential-consumerKey-hint")).toContainText("REST API");
  await page.getByLabel("Consumer key").fill("ck_typing");
  await expect(page.locator("#credential-consumerKey-hint")).toBeVisible();

  // An empty submit: plain words in the banner, the details beside each field, never a raw issue list.
  await page.getByLabel("Consumer key").fill("");
  await page.getByRole("button", { name: "Create connection" }).click();
  const banner = page.getByRole("alert").first();
  await expect(banner).toBeVisible();
  await expect(banner).not.toContainText("[");
  await expect(banner).not.toContainText('"code"');
  await expect(page.locator("#name-error")).toBeVisible();
  await saveScreenshot(page, "wizard-empty-submit");

  const name = `Shop ${id}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Shop address").fill(`${simulator()}/woocommerce/${id}`);
  await page.getByLabel("Consumer key").fill(`ck_sim_${id}`);
  await page.getByLabel("Consumer secret").fill("cs_sim_wrong_secret");
  await page.getByRole("button", { name: "Create connection" }).click();
  await expect(page.getByTestId("credential-check")).toContainText("refused the credentials");
  await expect(page.getByTestId("credential-check")).toContainText("Nothing was created");
  await saveScreenshot(page, "wizard-wrong-key");
  await page.goto(`/t/${DEMO.slug}/connections`);
  await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);

  await page.goto(`/t/${DEMO.slug}/connections/new`);
  await page.getByRole("button", { name: /^WooCommerce/ }).click();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Shop address").fill(`${simulator()}/woocommerce/${id}`);
  await page.getByLabel("Consumer key").fill(`ck_sim_${id}`);
  await page.getByLabel("Consumer secret").fill(`cs_sim_${id}`);
  await page.getByRole("button", { name: "Create connection" }).click();
  await expect(page.getByRole("heading", { name: /Connection created/ })).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Run first sync" }).click();
  await expect(page.getByRole("status").filter({ hasText: "first sync is running" })).toBeVisible();
  await saveScreenshot(page, "wizard-first-sync");

  await page.getByRole("link", { name: "Go to the connection" }).click();
  await expect(page.getByTestId("sync-progress")).toContainText(/Last run:\s*Succeeded/i, { timeout: 60_000 });
});

test("Shopify's last step points at something that is there", async ({ page }) => {
  await page.goto(`/t/${DEMO.slug}/connections/new`);
  await page.getByRole("button", { name: /^Shopify/ }).click();
  await expect(page.getByLabel("App client secret")).toBeVisible();
  expect(await page.content()).not.toContain("paste it above");
});

test("the sidebar and pages say workspace, never tenant", async ({ page }) => {
  await expect(page.getByRole("navigation", { name: "Workspace" })).toBeVisible();
  await expect(page.getByLabel("Switch workspace")).toBeVisible();
  const text = await page.locator("body").innerText();
  expect(text.toLowerCase()).not.toContain("tenant");
});

test("the only owner is not offered Remove; revoking an invitation asks in a dialog that Escape cancels", async ({
  page,
}) => {
  await page.goto(`/t/${DEMO.slug}/settings`);
  const self = page.getByRole("listitem").filter({ hasText: "(you)" });
  await expect(self).toBeVisible();
  await expect(self.getByRole("button", { name: /Remove/ })).toHaveCount(0);
  await expect(self.getByRole("combobox")).toBeDisabled();

  const email = `dialog-${Date.now().toString(36)}@example.test`;
  await page.getByLabel("Invite by email").fill(email);
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const revoke = page.getByRole("button", { name: `Revoke invitation to ${email}` });
  await expect(revoke).toBeVisible();

  // Keyboard: open, Escape cancels, focus returns to the button; nothing is revoked.
  await revoke.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: `Revoke the invitation to ${email}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("stops working");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await saveScreenshot(page, "confirm-dialog");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(revoke).toBeFocused();

  await revoke.click();
  await dialog.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(page.getByText(email)).toHaveCount(0);
});
