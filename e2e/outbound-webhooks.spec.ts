import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { startReceiver, type Receiver } from "../src/server/testing/webhook-receiver";
import { DEMO, saveScreenshot, signIn } from "./helpers";

/** A tenant's own receiver on 127.0.0.1 (the e2e app runs with OUTBOUND_WEBHOOKS_ALLOW_PRIVATE_URLS=1). */
let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver((_request, response) => response.writeHead(200, { "content-type": "application/json" }).end('{"received":true}'));
});
test.afterAll(async () => receiver?.close());

test("an owner adds an endpoint, sends a test event and sees the signed delivery in the log", async ({ page }) => {
  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/);
  await page.getByRole("navigation", { name: "Tenant" }).getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  await expect(page.getByText("No endpoints yet")).toBeVisible();

  await page.getByRole("button", { name: "Add endpoint" }).click();
  await page.getByLabel("Endpoint URL").fill(`${receiver.url}/stockhook`);
  await page.getByLabel("Description").fill("Sales sheet");
  for (const type of ["inventory.updated", "item.sold", "product.synced", "sync.failed", "sync.completed"]) await page.getByRole("checkbox", { name: new RegExp(`^${type.replace(".", "\\.")}`) }).uncheck();
  await page.getByRole("button", { name: "Create endpoint" }).click();
  // Bad input is explained, and nothing is created.
  await expect(page.getByText("Choose at least one event")).toBeVisible();
  await page.getByRole("checkbox", { name: /^item\.sold/ }).check();
  await page.getByRole("checkbox", { name: /^sync\.failed/ }).check();
  await page.getByRole("button", { name: "Create endpoint" }).click();

  const secret = (await page.getByTestId("copy-signing-secret").textContent()) ?? "";
  expect(secret).toMatch(/^whsec_/);
  await expect(page.getByTestId("endpoint-row")).toHaveCount(1);
  await expect(page.getByTestId("endpoint-row")).toContainText("item.sold, sync.failed");

  await page.getByRole("button", { name: "Send test event" }).click();
  const row = page.getByTestId("delivery-row").first();
  await expect(row).toContainText("webhook.test");
  await expect(row).toContainText("Delivered");
  await expect(row).toContainText("200");
  await expect(row).toContainText('{"received":true}');

  const request = receiver.received.at(-1)!;
  expect(request.path).toBe("/stockhook");
  const payload = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as { type: string; tenant: { slug: string } };
  expect(payload).toMatchObject({ type: "webhook.test", tenant: { slug: DEMO.slug } });
  await saveScreenshot(page, "outbound-webhooks");

  // Resend: the same event (same webhook-id) again.
  await row.getByRole("button", { name: /^Resend/ }).click();
  await expect.poll(() => receiver.received.length).toBe(2);
  expect(receiver.received[1]!.headers["webhook-id"]).toBe(request.headers["webhook-id"]);

  // The secret was shown once: after a reload only its last four characters remain.
  await page.reload();
  await expect(page.getByText(`whsec_…${secret.slice(-4)}`)).toBeVisible();
  expect(await page.content()).not.toContain(secret);
});
