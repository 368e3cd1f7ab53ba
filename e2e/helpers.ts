import { expect, type Page } from "@playwright/test";
import { waitForMail } from "@test-support/mailbox";
import { readSimulatorTarget, simulatorTargetsFile } from "../src/server/demo/simulator-targets";

export const DEMO = {
  email: "demo@stockhook.dev",
  password: "stockhook-demo",
  tenant: "Harbour Gallery",
  slug: "demo",
};

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
export async function simulate(
  kind: "sale" | "return" | "restock" | "adjustment",
  sku: string,
  options: { store?: string; quantity?: number } = {},
) {
  const store = options.store ?? `sam:${DEMO.slug}`;
  const target = readSimulatorTarget(DEMO.slug, store.split(":")[0]!, simulatorTargetsFile(process.env.DATA_DIR));
  if (!target) throw new Error(`the demo seed registered no webhook target for ${store}`);
  const response = await fetch(`${simulatorUrl()}/_control/${encodeURIComponent(store)}/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ kind, sku, quantity: options.quantity, targetUrl: target.url, secret: target.secret }),
  });
  const body = (await response.json()) as { status?: number; error?: string };
  if (!response.ok || body.status !== 200)
    throw new Error(`simulated ${kind} of ${sku} was not accepted: ${JSON.stringify(body)}`);
  return body;
}

/** Sets faults on a simulated store (e.g. `{ outage: "error" }`, `{ failNext: 3 }`); `null` resets them. */
export async function simulatorControls(store: string, controls: Record<string, unknown> | null) {
  const response = await fetch(`${simulatorUrl()}/_control/${encodeURIComponent(store)}`, {
    method: controls ? "POST" : "DELETE",
    headers: { "content-type": "application/json" },
    body: controls ? JSON.stringify(controls) : undefined,
  });
  if (!response.ok)
    throw new Error(`simulator controls for ${store}: HTTP ${response.status} ${await response.text()}`);
}

/** The Mailpit receiver scripts/e2e.ts starts; the app's account mail lands there. */
const mailApi = () => {
  const url = process.env.MAILPIT_API_URL;
  if (!url) throw new Error("MAILPIT_API_URL is not set: run the browser tests through scripts/e2e.ts");
  return url;
};

/**
 * Opens the newest mail to `to` whose subject matches, in the receiver's own view of the message
 * (what the recipient sees), and clicks its button — the link the mail carries.
 */
export async function followMailedLink(
  page: Page,
  to: string,
  subject: RegExp,
  button: string,
  options: { count?: number } = {},
) {
  const mail = await waitForMail(mailApi(), to, { subject, count: options.count });
  await page.goto(`${mailApi()}/view/${mail.id}.html`);
  await page.getByRole("link", { name: button }).click();
  return mail;
}

/** Signs up as a new user: the form, the "check your email" answer, the mailed confirmation link, then sign-in. */
export async function signUpAndConfirm(
  page: Page,
  input: {
    name: string;
    email: string;
    password: string;
    tenantName?: string;
    tenantKind?: "GALLERY" | "STORE" | "ERP";
  },
) {
  await fillSignUp(page, input);
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await followMailedLink(page, input.email, /Confirm your email/, "Confirm my email address");
  await expect(page.getByText("Your email address is confirmed")).toBeVisible();
  await page.getByLabel("Email").fill(input.email);
  await page.getByLabel("Password").fill(input.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Fills and sends the sign-up form on the current page (or /signup); workspace fields only when given. */
export async function fillSignUp(
  page: Page,
  input: {
    name: string;
    email: string;
    password: string;
    tenantName?: string;
    tenantKind?: "GALLERY" | "STORE" | "ERP";
  },
) {
  if (!page.url().includes("/signup")) await page.goto("/signup");
  await page.getByLabel("Your name").fill(input.name);
  await page.getByLabel("Work email").fill(input.email);
  await page.getByLabel("Password").fill(input.password);
  if (input.tenantName) {
    await page.getByLabel("Gallery, store or site name").fill(input.tenantName);
    await page.getByLabel("What do you run?").selectOption(input.tenantKind ?? "GALLERY");
  }
  await page.getByRole("button", { name: "Create account" }).click();
  // The form is busy until the server has hashed the password (scrypt, deliberately slow) and
  // answered; on a loaded machine that outlasts the default expect timeout, so wait for the
  // answer itself, bounded by the test's own timeout.
  await expect(page.getByRole("button", { name: "Creating your account…" })).toHaveCount(0, { timeout: 80_000 });
}

/**
 * An invitee new to Stockhook: opens the mailed invitation, creates an account from it, confirms
 * the address by its mailed link, signs in and accepts. Ends on the workspace's dashboard.
 */
export async function acceptInvitationAsNewUser(page: Page, input: { name: string; email: string; password: string }) {
  await page.context().clearCookies();
  await followMailedLink(page, input.email, /invited you to/, "Open the invitation");
  await page.getByRole("link", { name: "create an account" }).click();
  await expect(page).toHaveURL(/\/signup\?callbackUrl=%2Finvite/);
  await expect(page.getByLabel("Work email")).toBeVisible();
  await expect(page.getByLabel("Gallery, store or site name")).toHaveCount(0);
  await signUpAndConfirm(page, input);
  await expect(page.getByRole("heading", { name: /^Join / })).toBeVisible();
  await page.getByRole("button", { name: "Accept invitation" }).click();
}
