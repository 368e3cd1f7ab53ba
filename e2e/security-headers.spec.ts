import { expect, test, type Page } from "@playwright/test";
import { DEMO, signIn } from "./helpers";

/**
 * Issue 17, item 12, in a real browser against the production build: pages carry a
 * Content-Security-Policy with a fresh nonce, Next.js's scripts run under it (the app hydrates
 * and works, with no violation reported), an injected inline handler does not run, framing is
 * refused, and every response says nosniff, its referrer policy and HSTS.
 */
const nonceOf = (policy: string | undefined) => /'nonce-([^']+)'/.exec(policy ?? "")?.[1];

/** Collects CSP violations the page reports, from the first script on. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) =>
      seen.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  return () => page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

test("pages carry a nonce'd CSP, frame ban, nosniff, referrer policy and HSTS; each load gets a new nonce", async ({
  request,
}) => {
  const first = await request.get("/signin");
  const second = await request.get("/signin");
  const policy = first.headers()["content-security-policy"];
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(nonceOf(policy)).toBeTruthy();
  expect(nonceOf(second.headers()["content-security-policy"])).not.toBe(nonceOf(policy));
  expect(first.headers()).toMatchObject({
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
  });
  expect(first.headers()["strict-transport-security"]).toMatch(/max-age=\d+/);
  // Every inline script Next.js rendered carries this response's nonce.
  const html = await first.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonceOf(policy)}"`);
});

test("API answers get nosniff too, and the public health check says only up or down", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.headers()["x-content-type-options"]).toBe("nosniff");
  expect(await health.json()).toEqual({ status: "up" });
});

test("under the policy the app hydrates and works: sign in, navigate, no violation reported", async ({ page }) => {
  const violations = await recordViolations(page);
  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/);
  await expect(page.getByRole("heading", { name: "Webhooks per hour" })).toBeVisible();
  await page.getByRole("link", { name: "Connections", exact: true }).first().click();
  await page.getByRole("link", { name: "Gallery collection (SAM)", exact: true }).click();
  // A button that only works once React has hydrated: it calls the API and shows the answer.
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("status").filter({ hasText: "✓" })).toBeVisible();
  expect(await violations()).toEqual([]);
});

test("an injected inline handler does not run", async ({ page }) => {
  const violations = await recordViolations(page);
  await page.goto("/signin");
  await page.evaluate(() => {
    // What a stored XSS would smuggle into the page: markup with an inline event handler.
    document.body.insertAdjacentHTML("beforeend", `<img src="/nothing-here.png" onerror="window.__pwned = true">`);
  });
  await expect.poll(violations).toContainEqual(expect.stringContaining("script-src"));
  expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
});

test("another site cannot frame a page", async ({ page, baseURL }) => {
  await page.setContent(`<iframe id="victim" src="${baseURL}/signin" width="600" height="400"></iframe>`);
  // Chromium replaces a refused frame with its error page: the sign-in page never loads in it.
  await expect
    .poll(() =>
      page
        .frames()
        .find((candidate) => candidate !== page.mainFrame())
        ?.url(),
    )
    .toMatch(/^chrome-error:/);
  await expect(page.frameLocator("#victim").getByLabel("Password")).toHaveCount(0);
});

test.describe("before the page's JavaScript runs", () => {
  test.use({ javaScriptEnabled: false });

  test("a submitted sign-in or sign-up form never puts the password in the URL", async ({ page }) => {
    for (const path of ["/signin", "/signup"]) {
      await page.goto(path);
      await page.getByLabel("Email").fill("early@example.com");
      await page.getByLabel("Password").fill("typed-before-hydration");
      await page.getByLabel("Password").press("Enter");
      await page.waitForLoadState("load");
      expect(page.url()).not.toContain("typed-before-hydration");
      expect(page.url()).not.toContain("password=");
    }
  });
});
