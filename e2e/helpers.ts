import { type Page } from "@playwright/test";

export const DEMO = { email: "demo@stockhook.dev", password: "stockhook-demo", tenant: "Harbour Gallery", slug: "demo" };

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function saveScreenshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
