import { type Page } from "@playwright/test";
import { readSimulatorTarget } from "../src/server/demo/simulator-targets";

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

const simulatorUrl = () => process.env.SIM_URL ?? "http://127.0.0.1:4010";

/**
 * A stock change at a simulated platform store ("sam:demo", "woocommerce:demo", …), delivered to
 * Stockhook as that platform's signed webhook — what `npm run sim -- sale --tenant demo` does.
 */
export async function simulate(kind: "sale" | "return" | "restock" | "adjustment", sku: string, options: { store?: string; quantity?: number } = {}) {
  const store = options.store ?? `sam:${DEMO.slug}`;
  const target = readSimulatorTarget(DEMO.slug, store.split(":")[0]!);
  if (!target) throw new Error(`the demo seed registered no webhook target for ${store}`);
  const response = await fetch(`${simulatorUrl()}/_control/${encodeURIComponent(store)}/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind, sku, quantity: options.quantity, targetUrl: target.url, secret: target.secret }),
  });
  const body = (await response.json()) as { status?: number; error?: string };
  if (!response.ok || body.status !== 200) throw new Error(`simulated ${kind} of ${sku} was not accepted: ${JSON.stringify(body)}`);
  return body;
}

/** Sets faults on a simulated store (e.g. `{ outage: "error" }`, `{ failNext: 3 }`); `null` resets them. */
export async function simulatorControls(store: string, controls: Record<string, unknown> | null) {
  const response = await fetch(`${simulatorUrl()}/_control/${encodeURIComponent(store)}`, {
    method: controls ? "POST" : "DELETE",
    headers: { "content-type": "application/json" },
    body: controls ? JSON.stringify(controls) : undefined,
  });
  if (!response.ok) throw new Error(`simulator controls for ${store}: HTTP ${response.status} ${await response.text()}`);
}
