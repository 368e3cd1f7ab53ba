import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";
import { acceptInvitationAsNewUser, DEMO, saveScreenshot, signIn } from "./helpers";

/** A tenant's own receiver on 127.0.0.1, on the port scripts/e2e.ts put on the app's OUTBOUND_ALLOW_LIST. */
let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver(
    (_request, response) => response.writeHead(200, { "content-type": "application/json" }).end('{"received":true}'),
    { port: Number(process.env.E2E_RECEIVER_PORT ?? 0) },
  );
});
test.afterAll(async () => receiver?.close());

test("an owner adds an endpoint, sends a test event, sees the signed delivery in the log, then rotates, edits, disables and deletes it", async ({
  page,
}) => {
  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/);
  await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Webhooks" }).click();
  await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
  await expect(page.getByText("No endpoints yet")).toBeVisible();

  await page.getByRole("button", { name: "Add endpoint" }).click();
  await page.getByLabel("Endpoint URL").fill(`${receiver.url}/stockhook`);
  await page.getByLabel("Description").fill("Sales sheet");
  for (const type of ["inventory.updated", "item.sold", "product.synced", "sync.failed", "sync.completed"])
    await page.getByRole("checkbox", { name: new RegExp(`^${type.replace(".", "\\.")}`) }).uncheck();
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
  const payload = new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as {
    type: string;
    tenant: { slug: string };
  };
  expect(payload).toMatchObject({ type: "webhook.test", tenant: { slug: DEMO.slug } });
  await saveScreenshot(page, "outbound-webhooks");

  // Resend: the same event (same webhook-id) again.
  await row.getByRole("button", { name: /^Resend/ }).click();
  await expect.poll(() => receiver.received.length).toBe(2);
  expect(receiver.received[1]!.headers["webhook-id"]).toBe(request.headers["webhook-id"]);
  await row.getByRole("button", { name: /^Details/ }).click();
  await expect(page.getByTestId("attempt-list").getByRole("listitem")).toHaveCount(2);
  await expect(page.getByText('"type": "webhook.test"')).toBeVisible();
  await saveScreenshot(page, "outbound-webhooks-delivery-details");

  // The secret was shown once: after a reload only its last four characters remain.
  await page.reload();
  await expect(page.getByText(`whsec_…${secret.slice(-4)}`)).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  // Rotation: a new secret shown once, the old one still signing during the overlap.
  await page.getByLabel("Old secret keeps signing for").selectOption("1");
  await page.getByRole("button", { name: "Rotate signing secret" }).click();
  const rotated = (await page.getByTestId("copy-signing-secret").textContent()) ?? "";
  expect(rotated).toMatch(/^whsec_/);
  expect(rotated).not.toBe(secret);
  await expect(page.getByText("Grace period")).toBeVisible();

  // Edit, disable, delete.
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  await page.getByLabel("Description").fill("Sales sheet (v2)");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("endpoint-row")).toContainText("Sales sheet (v2)");
  await page.getByRole("button", { name: "Disable", exact: true }).click();
  await expect(page.getByRole("button", { name: "Enable", exact: true })).toBeVisible();
  await expect(page.getByTestId("endpoint-row")).toContainText("Disabled");
  await page.getByRole("button", { name: "Enable", exact: true }).click();
  await expect(page.getByRole("button", { name: "Disable", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  // A real dialog names what goes with it; Cancel has the focus, so Enter destroys nothing.
  const confirm = page.getByRole("dialog", { name: "Delete this endpoint?" });
  await expect(confirm).toContainText("delivery log");
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await confirm.getByRole("button", { name: "Delete endpoint" }).click();
  await expect(page.getByText("No endpoints yet")).toBeVisible();
});

test("a viewer sees the endpoints and their delivery log but no controls, and the server refuses their changes", async ({
  page,
}) => {
  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/);
  const created = await page.request.post("/api/trpc/webhookEndpoint.create", {
    headers: { "x-stockhook-tenant": DEMO.slug, "content-type": "application/json" },
    data: { json: { url: `${receiver.url}/viewer`, eventTypes: ["item.sold"] } },
  });
  expect(created.status()).toBe(200);
  const endpointId = ((await created.json()) as { result: { data: { json: { endpoint: { id: string } } } } }).result
    .data.json.endpoint.id;
  expect(
    (
      await page.request.post("/api/trpc/webhookEndpoint.sendTest", {
        headers: { "x-stockhook-tenant": DEMO.slug, "content-type": "application/json" },
        data: { json: { id: endpointId } },
      })
    ).status(),
  ).toBe(200);
  const invite = await page.request.post("/api/trpc/member.invite", {
    headers: { "x-stockhook-tenant": DEMO.slug, "content-type": "application/json" },
    data: { json: { email: "hooks-viewer@harbour.test", role: "VIEWER" } },
  });
  expect(invite.status()).toBe(200);
  await acceptInvitationAsNewUser(page, {
    name: "Hugo Viewer",
    email: "hooks-viewer@harbour.test",
    password: "viewer-password-2",
  });
  await expect(page).toHaveURL(new RegExp(`/t/${DEMO.slug}`));

  await page.goto(`/t/${DEMO.slug}/webhooks`);
  await expect(page.getByText("Only owners and admins can add, change, test or delete endpoints.")).toBeVisible();
  await expect(page.getByTestId("endpoint-row")).toHaveCount(1);
  await expect(page.getByTestId("delivery-row").first()).toContainText("webhook.test");
  for (const name of ["Add endpoint", "Send test event", "Disable", "Edit", "Delete", "Rotate signing secret"])
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Resend/ })).toHaveCount(0);
  await saveScreenshot(page, "outbound-webhooks-viewer");

  const forged = await page.request.post("/api/trpc/webhookEndpoint.create", {
    headers: { "x-stockhook-tenant": DEMO.slug, "content-type": "application/json" },
    data: { json: { url: "https://93.184.216.34/x", eventTypes: ["item.sold"] } },
  });
  expect(forged.status()).toBe(403);
});
