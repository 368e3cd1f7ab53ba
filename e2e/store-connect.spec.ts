import { expect, type Page, test } from "@playwright/test";
import { DEMO, saveScreenshot, signIn } from "./helpers";

/**
 * Connecting a store as a new user would: the wizard is all it takes for the store's sales to
 * reach Stockhook (Stockhook registers the WooCommerce webhooks itself). When WooCommerce
 * disables the webhook after repeated failed deliveries, one repair cycle switches it back on and
 * the reconcile that follows catches the change that was never delivered.
 */
const simulator = () => process.env.SIM_URL ?? "http://127.0.0.1:4010";

async function control(path: string, body?: unknown, method = body === undefined ? "GET" : "POST") {
  const response = await fetch(`${simulator()}/_control/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`simulator ${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
}

interface Hook {
  id: number;
  topic: string;
  status: string;
  active: boolean;
  address: string;
}

const hooks = async (store: string) => (await control(`${encodeURIComponent(store)}/hooks`)).hooks as Hook[];

/** The quantity the item page shows, once it shows one. */
async function sellable(page: Page): Promise<number> {
  const text = (await page.getByTestId("item-now").textContent()) ?? "";
  return Number(/(\d+) sellable/.exec(text)?.[1] ?? Number.NaN);
}

/** The tenant's selling locations (other specs narrow them to the gallery's); returns what was set before. */
async function setSellingLocations(page: Page, value: string): Promise<string> {
  await page.goto(`/t/${DEMO.slug}/settings`);
  const field = page.getByLabel("Selling locations");
  const previous = await field.inputValue();
  await field.fill(value);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Saved")).toBeVisible();
  return previous;
}

test("a WooCommerce store connected with the wizard sends its sales by itself, and a webhook WooCommerce disabled is repaired", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const id = `connect${Date.now().toString(36)}`;
  const store = `woocommerce:${id}`;
  const [skuA, skuB] = [`CONNECT-${id}-A`.toUpperCase(), `CONNECT-${id}-B`.toUpperCase()];
  await control("stores", { provider: "woocommerce", id, size: 0 });
  await control(`${encodeURIComponent(store)}/items`, {
    sku: skuA,
    title: `Harbour mug ${id}`,
    quantity: 8,
    unique: false,
  });
  await control(`${encodeURIComponent(store)}/items`, {
    sku: skuB,
    title: `Salt marsh print ${id}`,
    quantity: 6,
    unique: false,
  });

  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/, { timeout: 60_000 });
  // The new shop's stock counts wherever it is: sell from every location while this test runs.
  const sellingLocations = await setSellingLocations(page, "");
  try {
    await connectAndRepair(page, { id, store, skuA, skuB });
  } finally {
    await setSellingLocations(page, sellingLocations);
  }
});

async function connectAndRepair(
  page: Page,
  { id, store, skuA, skuB }: { id: string; store: string; skuA: string; skuB: string },
) {
  await page.goto(`/t/${DEMO.slug}/connections`);
  await page.getByRole("link", { name: "Add connection" }).click();
  await page.getByRole("button", { name: /^WooCommerce/ }).click();
  const name = `Shop ${id}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel(/^Source/).check();
  await page.getByLabel("Shop address").fill(`${simulator()}/woocommerce/${id}`);
  await page.getByLabel("Consumer key").fill(`ck_sim_${id}`);
  await page.getByLabel("Consumer secret").fill(`cs_sim_${id}`);
  await page.getByRole("button", { name: "Create connection" }).click();

  // No copying of URLs or secrets: Stockhook subscribed through WooCommerce's API.
  await expect(
    page.getByRole("heading", { name: "Connection created — Stockhook registered its webhooks" }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole("status").filter({ hasText: "Subscribed to" })).toContainText("product.updated");
  await saveScreenshot(page, "store-connect-wizard");
  const registered = await hooks(store);
  expect(registered.map((hook) => hook.topic).sort()).toEqual([
    "product.created",
    "product.deleted",
    "product.restored",
    "product.updated",
  ]);
  expect(registered.every((hook) => hook.status === "active")).toBe(true);

  await page.getByRole("link", { name: "Go to the connection" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  const table = page.getByRole("table", { name: "Platform webhook subscriptions" });
  await expect(table.getByRole("row")).toHaveCount(5);
  await expect(table.getByRole("row", { name: /product\.updated/ })).toContainText("Active");

  // The first reconcile links the store's products to Stockhook's items.
  await page.getByRole("button", { name: "Resync now" }).click();
  await expect(page.getByTestId("sync-progress")).toContainText(/Last run:\s*Succeeded/i, { timeout: 60_000 });

  // A sale at the till of the store reaches Stockhook with no manual step.
  await page.goto(`/t/${DEMO.slug}/items?q=${skuA}`);
  await page.getByRole("link", { name: skuA }).click();
  await expect.poll(() => sellable(page)).not.toBeNaN();
  const before = await sellable(page);
  const sale = await control(`${encodeURIComponent(store)}/changes`, { kind: "sale", sku: skuA });
  expect((sale.deliveries as { ok: boolean }[]).length).toBeGreaterThan(0);
  expect((sale.deliveries as { ok: boolean }[]).every((delivery) => delivery.ok)).toBe(true);
  await expect.poll(() => sellable(page), { timeout: 30_000 }).toBe(before - 1);
  await expect(page.getByTestId("item-timeline").locator('[data-kind="change"]').last()).toContainText(
    `${before} → ${before - 1}`,
  );

  // Stockhook's endpoint unreachable from the store: 6 sales, 6 failed deliveries, and WooCommerce
  // disables the hook (failures over woocommerce_max_webhook_delivery_failures = 5).
  await page.goto(`/t/${DEMO.slug}/items?q=${skuB}`);
  await page.getByRole("link", { name: skuB }).click();
  await expect.poll(() => sellable(page)).not.toBeNaN();
  const beforeB = await sellable(page);
  await control(encodeURIComponent(store), { failDeliveries: true });
  for (let sold = 0; sold < 6; sold++)
    await control(`${encodeURIComponent(store)}/changes`, { kind: "sale", sku: skuB });
  await control(encodeURIComponent(store), { failDeliveries: false });
  const disabled = (await hooks(store)).find((hook) => hook.topic === "product.updated");
  expect(disabled?.status).toBe("disabled");
  // Nothing reached Stockhook: it still shows the old level.
  await page.reload();
  expect(await sellable(page)).toBe(beforeB);

  // One repair cycle, forced: the same check the hourly job runs.
  await page.goto(`/t/${DEMO.slug}/connections`);
  await page.getByRole("link", { name, exact: true }).click();
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(page.getByRole("button", { name: "Check now" })).toBeEnabled({ timeout: 60_000 });
  await expect
    .poll(async () => (await hooks(store)).every((hook) => hook.status === "active"), { timeout: 60_000 })
    .toBe(true);
  await expect(table.getByRole("row", { name: /product\.updated/ })).toContainText("Active");
  await saveScreenshot(page, "store-connect-repaired");

  // The reconcile that follows a repair catches the six sales that were never delivered.
  await page.goto(`/t/${DEMO.slug}/items?q=${skuB}`);
  await page.getByRole("link", { name: skuB }).click();
  await expect.poll(() => sellable(page), { timeout: 60_000 }).toBe(Math.max(0, beforeB - 6));
  await expect(page.getByTestId("item-now")).toContainText("Out of stock");

  // And the store delivers again on its own.
  await control(`${encodeURIComponent(store)}/changes`, { kind: "restock", sku: skuB, quantity: 2 });
  await expect.poll(() => sellable(page), { timeout: 30_000 }).toBeGreaterThan(0);
}
