import { expect, test } from "@playwright/test";
import { waitForMail } from "@test-support/mailbox";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";
import { DEMO, saveScreenshot, signIn } from "./helpers";

/** The tenant's Slack-compatible receiver on 127.0.0.1, on the port scripts/e2e.ts allow-lists for the app. */
let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver((_request, response) => response.end("ok"), {
    port: Number(process.env.E2E_RECEIVER_PORT ?? 0),
  });
});
test.afterAll(async () => receiver?.close());

test("an owner saves a Slack URL, sends a test notification that arrives by Slack and by mail, then removes it", async ({
  page,
}) => {
  await signIn(page, DEMO.email, DEMO.password);
  // Signing in hashes the password at full cost: slow on a busy machine.
  await expect(page).toHaveURL(/\/t\/demo/, { timeout: 60_000 });
  await page.goto(`/t/${DEMO.slug}/settings`);
  const section = page.getByRole("form", { name: "Slack incoming webhook" });
  await expect(section.getByText("No Slack incoming webhook is set.")).toBeVisible();

  // A private address is refused, with the reason beside the field.
  await section.getByLabel("Slack incoming-webhook URL").fill("https://10.1.2.3/services/x");
  await section.getByRole("button", { name: "Save URL" }).click();
  await expect(section.getByText(/10\.1\.2\.3 is a private address/)).toBeVisible();

  await section.getByLabel("Slack incoming-webhook URL").fill(`${receiver.url}/services/T0/B0/e2e-token-7c1d`);
  await section.getByRole("button", { name: "Save URL" }).click();
  await expect(section.getByText(`127.0.0.1:${receiver.port} … 7c1d`)).toBeVisible();
  await expect(page.getByText("e2e-token")).toHaveCount(0);

  await page.getByRole("button", { name: "Send a test notification" }).click();
  const result = page.getByRole("status", { name: "Test notification result" });
  await expect(result).toContainText("Slack message sent.");
  await expect(result).toContainText(`Email sent to ${DEMO.email}.`);
  const post = receiver.received.find((r) => r.path === "/services/T0/B0/e2e-token-7c1d");
  expect(post?.method).toBe("POST");
  expect((JSON.parse(post!.body) as { text: string }).text).toBe(
    `[${DEMO.tenant}] Test: Alert notifications reach this channel`,
  );
  await waitForMail(process.env.MAILPIT_API_URL!, DEMO.email, { subject: /Test notification from Stockhook/ });
  await saveScreenshot(page, "notifications-settings");

  // Preferences: a kind switched off stays off after a reload.
  const preferences = page.getByRole("form", { name: "Notification preferences" });
  await preferences.getByRole("checkbox", { name: "A reconcile failed" }).uncheck();
  await preferences.getByRole("button", { name: "Save notification settings" }).click();
  await expect(preferences.getByRole("status")).toHaveText("Saved");
  await page.reload();
  await expect(
    page.getByRole("form", { name: "Notification preferences" }).getByRole("checkbox", { name: "A reconcile failed" }),
  ).not.toBeChecked();

  await page
    .getByRole("form", { name: "Slack incoming webhook" })
    .getByRole("button", { name: "Remove Slack" })
    .click();
  await expect(page.getByText("No Slack incoming webhook is set.")).toBeVisible();
});
