import { createHmac, randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { readSimulatorTarget, simulatorTargetsFile } from "../src/server/demo/simulator-targets";
import { acceptInvitationAsNewUser, DEMO, saveScreenshot, signIn } from "./helpers";

const simulatorUrl = () => process.env.SIM_URL ?? "http://127.0.0.1:4010";

async function openConnection(page: Page, name: string) {
  await page.goto(`/t/${DEMO.slug}/connections`);
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
}

test.describe("dashboard as the demo owner", () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, DEMO.email, DEMO.password);
    // The first sign-in on a fresh server (scrypt, first render) can take well over the default
    // 15 s on a shared 2-core box: wait for the redirect itself, with room for that.
    await expect(page).toHaveURL(/\/t\/demo/, { timeout: 60_000 });
  });

  test("the overview shows health, the hourly chart and what needs attention", async ({ page }) => {
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Webhooks per hour" })).toBeVisible();
    await expect(page.getByText("Webhook → storefront, 24 h")).toBeVisible();
    await expect(page.getByRole("link", { name: "Prints store (Shopify)", exact: true })).toBeVisible();
    await saveScreenshot(page, "overview");
  });

  test("the wizard creates a connection, shows its webhook URL and secret once, and tests it", async ({ page }) => {
    await page.goto(`/t/${DEMO.slug}/connections`);
    await page.getByRole("link", { name: "Add connection" }).click();
    await page.getByRole("button", { name: /^BigCommerce/ }).click();
    await page.getByLabel("Name").fill("Frames outlet");
    await page.getByLabel("API address").fill(`${simulatorUrl()}/bigcommerce`);
    await page.getByLabel("Store hash").fill("not a hash!");
    await page.getByLabel("Access token").fill("bigcommerce-sim-demo-token");
    await page.getByRole("button", { name: "Create connection" }).click();
    // Bad input is explained next to the field, and nothing is created.
    await expect(page.locator("#credential-storeHash-error")).toContainText("store hash");
    await saveScreenshot(page, "connection-wizard-error");

    await page.getByLabel("Store hash").fill("demo");
    await page.getByRole("button", { name: "Create connection" }).click();
    await expect(page.getByRole("heading", { name: /now register its webhook/ })).toBeVisible();
    const url = await page.getByTestId("copy-webhook-url").textContent();
    expect(url).toMatch(new RegExp(`/api/webhooks/${DEMO.slug}/[a-z0-9-]+$`));
    const secret = (await page.getByTestId("copy-webhook-token").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Connected" })).toBeVisible();
    await saveScreenshot(page, "connection-wizard-done");

    await page.getByRole("link", { name: "Go to the connection" }).click();
    await expect(page.getByRole("heading", { name: "Frames outlet", level: 1 })).toBeVisible();
    await expect(page.getByTestId("secret-row")).toHaveCount(2);
    expect(await page.content()).not.toContain(secret);
  });

  test("rotating a secret shows the new one once, never again", async ({ page }) => {
    await openConnection(page, "Gallery collection (SAM)");
    await page.getByLabel("Old secret keeps working for").selectOption("1");
    await page.getByRole("button", { name: "Rotate webhook signing secret" }).click();
    const shown = page.getByTestId("new-secret").locator("code");
    await expect(shown).toHaveText(/^whsec_/);
    const plaintext = (await shown.textContent())!;
    await expect(page.getByTestId("secret-row").filter({ hasText: `…${plaintext.slice(-4)}` })).toContainText("Active");
    await expect(page.getByTestId("secret-row").filter({ hasText: "Grace period" })).toHaveCount(1);
    await saveScreenshot(page, "connection-secrets");

    await page.reload();
    await expect(page.getByTestId("secret-row").first()).toBeVisible();
    expect(await page.content()).not.toContain(plaintext);
    // This connection's own secret list (its id is the page's last path segment): it lists the new
    // secret, by its last four characters, and never its plaintext.
    const connectionId = new URL(page.url()).pathname.split("/").at(-1)!;
    const api = await page.request.get(
      `/api/trpc/connection.list,secret.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 1: { json: { connectionId } } }))}`,
      { headers: { "x-stockhook-tenant": DEMO.slug } },
    );
    expect(api.status()).toBe(200);
    const listed = await api.text();
    expect(listed).toContain(`"${plaintext.slice(-4)}"`);
    expect(listed).not.toContain(plaintext);
  });

  test("Resync starts a reconcile and shows its progress live until it completes", async ({ page }) => {
    await openConnection(page, "Gallery collection (SAM)");
    const button = page.getByRole("button", { name: "Resync now" });
    await button.click();
    await expect(page.getByRole("button", { name: /Starting|Resync running/ })).toBeDisabled();
    const progress = page.getByTestId("sync-progress");
    await expect(progress).toContainText("Succeeded", { timeout: 45_000 });
    await expect(progress).toContainText("42 scanned");
    await expect(button).toBeEnabled();
    await saveScreenshot(page, "connection-detail");

    await page.getByRole("link", { name: "Sync runs" }).click();
    await expect(page.getByRole("heading", { name: "Sync runs", exact: true, level: 1 })).toBeVisible();
    await page.getByLabel("Trigger").selectOption("MANUAL");
    await expect(page.getByRole("cell", { name: /Resync button/ }).first()).toBeVisible();
    await saveScreenshot(page, "sync-runs");
    await page.locator("tbody a").first().click();
    await expect(page.getByRole("heading", { name: /full reconcile/ })).toBeVisible();
    await expect(page.getByText("Items scanned")).toBeVisible();
    await saveScreenshot(page, "sync-run-detail");
    // A source that has reconciled is no longer flagged as never synced.
    await page.getByRole("link", { name: "Overview" }).click();
    await expect(page.getByText("Gallery collection (SAM) has never been synced")).toHaveCount(0);
  });

  test("settings: selling locations, retention bounds and an invitation", async ({ page }) => {
    await page.goto(`/t/${DEMO.slug}/settings`);
    await page.getByLabel("Keep webhook logs for (days, 1–365)").fill("400");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.locator("#retentionDays-error")).toContainText("365");
    await page.getByLabel("Keep webhook logs for (days, 1–365)").fill("30");
    await page.getByLabel("Selling locations").fill("gallery-floor\nwarehouse");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByText("Saved")).toBeVisible();
    await page.getByLabel("Invite by email").fill("viewer@harbour.test");
    await page.getByLabel("Role", { exact: true }).selectOption("VIEWER");
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    await expect(page.getByRole("listitem").filter({ hasText: "viewer@harbour.test" })).toContainText(
      "invitation pending",
    );
    await saveScreenshot(page, "settings");
  });
});

test("an invited VIEWER sees every page, no enabled mutation controls, and forged mutations are refused", async ({
  page,
}) => {
  // Accepting the invitation the previous test mailed: its link, a new account, the confirmation link, accept.
  await acceptInvitationAsNewUser(page, {
    name: "Vera Viewer",
    email: "viewer@harbour.test",
    password: "viewer-password-1",
  });
  await expect(page).toHaveURL(new RegExp(`/t/${DEMO.slug}`));

  await page.goto(`/t/${DEMO.slug}/connections`);
  await expect(page.getByRole("link", { name: "Add connection" })).toHaveCount(0);
  await page.getByRole("link", { name: "Gallery collection (SAM)", exact: true }).click();
  await expect(page.getByText("You have view-only access")).toBeVisible();
  await expect(page.getByRole("button", { name: "Resync now" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Test connection" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save changes" })).toBeDisabled();
  await expect(page.getByRole("button", { name: /Rotate/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Revoke/ })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete connection" })).toBeDisabled();
  await saveScreenshot(page, "viewer-connection");
  await page.goto(`/t/${DEMO.slug}/settings`);
  await expect(page.getByRole("button", { name: "Save settings" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Invite" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Delete workspace" })).toBeDisabled();
  await page.goto(`/t/${DEMO.slug}/queue`);
  await expect(page.getByTestId("queue-totals")).toBeVisible();
  // Waits for the failed-deliveries card itself (not a list that may still be loading), then: no
  // Replay control is enabled, and when there are failures the viewer is told why (the forged
  // replay below is refused either way).
  await expect(page.getByText(/^Failed deliveries \(\d+\)/)).toBeVisible();
  await expect(page.getByText("Viewers cannot replay events.").or(page.getByText("Nothing failed"))).toBeVisible();
  await expect(page.getByRole("button", { name: /^Replay/, disabled: false })).toHaveCount(0);

  // A replayable event the viewer is sure to see: a signed SAM delivery for a product Stockhook
  // does not know is stored SKIPPED (changed nothing), which is replayable: its drawer offers
  // Replay, and the viewer must see that control disabled, with the reason.
  const sam = readSimulatorTarget(DEMO.slug, "sam", simulatorTargetsFile(process.env.DATA_DIR))!;
  const unknownProduct = JSON.stringify({
    event_id: `viewer-${randomUUID()}`,
    type: "stock.changed",
    occurred_at: new Date().toISOString(),
    data: { sam_id: 987_654_321, sku: "NOT-IN-STOCKHOOK", stock: 0, status: "sold", reason: "sale" },
  });
  const delivered = await fetch(sam.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-sam-signature": createHmac("sha256", sam.secret).update(unknownProduct).digest("hex"),
    },
    body: unknownProduct,
  });
  expect(delivered.status).toBe(200);
  const { id: skippedId } = (await delivered.json()) as { id: string };
  await page.goto(`/t/${DEMO.slug}/events?event=${skippedId}`);
  const drawer = page.getByRole("dialog", { name: "Webhook event" });
  // The status line is in every loaded drawer; once it says Skipped the event is replayable.
  await expect(drawer.getByTestId("event-status")).toContainText(/skipped/i, { timeout: 30_000 });
  await expect(drawer.getByText(/This delivery changed nothing/)).toBeVisible();
  await expect(drawer.getByText("Viewers cannot replay events.")).toBeVisible();
  // toBeDisabled waits for the button to exist: this cannot pass on a drawer that shows no Replay.
  await expect(drawer.getByRole("button", { name: "Replay event" })).toBeDisabled();
  await expect(drawer.getByRole("button", { name: /^Replay/, disabled: false })).toHaveCount(0);
  await saveScreenshot(page, "viewer-event-drawer");

  // The server refuses what the browser would not offer.
  const connectionId = page.url().length
    ? await page.evaluate(async () => {
        const response = await fetch(`/api/trpc/connection.list`, { headers: { "x-stockhook-tenant": "demo" } });
        return ((await response.json()) as { result: { data: { json: { id: string }[] } } }).result.data.json[0]!.id;
      })
    : "";
  for (const [path, input] of [
    ["connection.resync", { id: connectionId }],
    ["secret.rotate", { connectionId }],
    ["tenant.update", { name: "Hijacked" }],
    ["member.invite", { email: "mallory@example.test", role: "OWNER" }],
    ["event.replayFailed", {}],
    ["event.replayCommand", { id: "any-event", url: "https://receiver.example/hooks" }],
  ] as const) {
    const response = await page.request.post(`/api/trpc/${path}`, {
      headers: { "x-stockhook-tenant": DEMO.slug, "content-type": "application/json" },
      data: { json: input },
    });
    expect(response.status(), path).toBe(403);
  }
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the overview and a connection fit the screen", async ({ page }) => {
    await signIn(page, DEMO.email, DEMO.password);
    await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await saveScreenshot(page, "phone-overview");
    await openConnection(page, "Prints store (Shopify)");
    await saveScreenshot(page, "phone-connection");
  });
});
