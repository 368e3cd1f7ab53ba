import { expect, test } from "@playwright/test";
import { DEMO, saveScreenshot, signIn } from "./helpers";
import { E2E_ADMIN_USER, E2E_SUPPORT_USER } from "./support-user";

const REASON = "Customer reports the Shopify store still shows sold paintings";

test("a support user impersonates the demo gallery read-only, ends the session, and the gallery's access log shows it", async ({
  page,
  context,
}) => {
  await signIn(page, E2E_SUPPORT_USER.email, E2E_SUPPORT_USER.password);
  // The spec's first sign-in meets a cold server (scrypt, first render): well over 15 s under load.
  await expect(page).toHaveURL(/\/support$/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { name: "Support console" })).toBeVisible();

  await page.getByLabel("Search workspaces").fill("harbour");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=harbour/);
  // Other specs may have made tenants too: every row found matches, and the demo gallery is one of them.
  for (const row of await page.getByTestId("tenant-row").all()) await expect(row).toContainText(/harbour/i);
  await expect(page.getByTestId("tenant-row").filter({ hasText: DEMO.tenant })).toContainText(DEMO.email);
  await saveScreenshot(page, "support-console");

  await page.getByRole("button", { name: `Impersonate ${DEMO.tenant}` }).click();
  await page.getByLabel(/^Reason/).fill("help");
  await page.getByRole("button", { name: "Start read-only session" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "at least 10 characters" })).toBeVisible();
  await page.getByLabel(/^Reason/).fill(REASON);
  await page.getByLabel("Duration").selectOption("30");
  await saveScreenshot(page, "support-impersonate-form");
  await page.getByRole("button", { name: "Start read-only session" }).click();

  await expect(page).toHaveURL(/\/t\/demo$/);
  const banner = page.getByRole("region", { name: "Support session" });
  await expect(banner).toContainText(`Viewing ${DEMO.tenant} as support`);
  await expect(banner).toContainText(REASON);
  await expect(banner).toContainText(/(29|30) min left — read-only/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Support console" })).toBeVisible();
  await saveScreenshot(page, "impersonation-overview");

  // Everything the owner sees, every control disabled with the reason shown.
  await page.goto(`/t/${DEMO.slug}/connections`);
  await page.getByRole("link", { name: "Gallery collection (SAM)", exact: true }).click();
  await expect(page.getByText("You have view-only access")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Resync/ })).toBeDisabled();
  await expect(banner).toBeVisible();
  await saveScreenshot(page, "impersonation-connection");
  await page.goto(`/t/${DEMO.slug}/settings`);
  await expect(page.getByLabel("Name", { exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Invite" })).toHaveCount(0);
  await saveScreenshot(page, "impersonation-settings");

  // And the server refuses a mutation sent by hand with the session's cookie.
  const refused = await page.request.post("/api/trpc/tenant.update", {
    headers: { "x-stockhook-tenant": DEMO.slug },
    data: { json: { name: "Hijacked Gallery" } },
  });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toContain("read-only");

  await banner.getByRole("button", { name: "End" }).click();
  await expect(page).toHaveURL(/\/support$/);
  await expect(page.getByText("No support session is running.")).toBeVisible();
  // The ended session opens nothing any more.
  const after = await page.goto(`/t/${DEMO.slug}`);
  expect(after?.status()).toBe(404);

  await context.clearCookies();
  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/);
  await page.goto(`/t/${DEMO.slug}/settings`);
  const accessLog = page.getByTestId("access-log");
  await expect(accessLog).toContainText(E2E_SUPPORT_USER.email);
  await expect(accessLog).toContainText(REASON);
  await expect(accessLog).toContainText("Ended");
  await accessLog
    .getByText(/What they did/)
    .first()
    .click();
  await expect(accessLog).toContainText("support.impersonation_started");
  await expect(accessLog).toContainText("support.impersonation_ended");
  await expect(page.getByTestId("audit-trail-tenant")).toContainText("support.impersonation_started");
  await expect(page.getByLabel("Name", { exact: true })).not.toHaveValue("Hijacked Gallery");
  await saveScreenshot(page, "access-log");
});

test("a platform admin grants a running session write access: allowed changes go through, members stay refused", async ({
  page,
  browser,
}) => {
  await signIn(page, E2E_SUPPORT_USER.email, E2E_SUPPORT_USER.password);
  await expect(page).toHaveURL(/\/support$/);
  await page.getByRole("button", { name: `Impersonate ${DEMO.tenant}` }).click();
  await page.getByLabel(/^Reason/).fill("Safety buffer needs correcting, owner asked by phone");
  await page.getByRole("button", { name: "Start read-only session" }).click();
  await expect(page.getByRole("region", { name: "Support session" })).toContainText("read-only");

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, E2E_ADMIN_USER.email, E2E_ADMIN_USER.password);
  await expect(admin).toHaveURL(/\/support$/);
  await admin.getByRole("button", { name: "Grant write access" }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "Grant write access" }).click();
  await expect(admin.getByText("write access granted")).toBeVisible();
  await saveScreenshot(admin, "support-admin-console");

  await page.goto(`/t/${DEMO.slug}/settings`);
  await expect(page.getByRole("region", { name: "Support session" })).toContainText("write access granted");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await page.getByLabel("Invite by email").fill("friend-of-support@example.test");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Support sessions cannot do this" })).toBeVisible();
  await saveScreenshot(page, "impersonation-write-access");

  await admin.goto("/support/audit");
  const trail = admin.getByTestId("audit-trail-platform");
  await expect(trail).toContainText("support.write_access_granted");
  // This session's own change: made through the support session (an owner's edit in another spec
  // has no such badge), by the support user.
  await expect(
    trail
      .locator("tr")
      .filter({ hasText: "tenant.updated" })
      .filter({ hasText: "support session" })
      .filter({ hasText: E2E_SUPPORT_USER.email }),
  ).not.toHaveCount(0);
  await expect(trail).not.toContainText("friend-of-support@example.test");
  await saveScreenshot(admin, "support-audit-trail");
  await adminContext.close();

  await page.getByRole("region", { name: "Support session" }).getByRole("button", { name: "End" }).click();
  await expect(page).toHaveURL(/\/support$/);
});

test("the support console is not found for a tenant owner", async ({ page }) => {
  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/);
  await expect(page.getByRole("link", { name: "Support console" })).toHaveCount(0);
  const response = await page.goto("/support");
  expect(response?.status()).toBe(404);
});
