import { expect, test } from "@playwright/test";
import { DEMO, fillSignUp, followMailedLink, saveScreenshot, signIn, signUpAndConfirm } from "./helpers";

test("sign-up: no access until the mailed link is opened; the link can be sent again and works once", async ({
  page,
}) => {
  const email = `verify-${Date.now()}@example.test`;
  await fillSignUp(page, {
    name: "Vic Verify",
    email,
    password: "verify-password-1",
    tenantName: "Verify Prints",
    tenantKind: "STORE",
  });
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await saveScreenshot(page, "signup-check-email");

  // Signing in before confirming is refused, with a way to get the link again.
  await signIn(page, email, "verify-password-1");
  await expect(page.locator("form [role=alert]")).toContainText("Confirm your email address first");
  await page.getByRole("button", { name: "Send the confirmation link again" }).click();
  await expect(page.getByText("a new link is on its way")).toBeVisible();

  const mail = await followMailedLink(page, email, /Confirm your email/, "Confirm my email address", { count: 2 });
  await expect(page).toHaveURL(/\/signin\?verified=1/);
  await expect(page.getByText("Your email address is confirmed")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("verify-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/t\/verify-prints/);

  // The same link a second time is spent.
  const link = mail.links.find((l) => l.includes("/verify-email"))!;
  await page.goto(link);
  await expect(page).toHaveURL(/verification=invalid/);
  await expect(page.getByText("That confirmation link is not valid")).toBeVisible();
});

test("sign-up answers the same for an address that already has an account", async ({ page }) => {
  await fillSignUp(page, {
    name: "Prober",
    email: DEMO.email,
    password: "probe-password-1",
    tenantName: "Probe",
    tenantKind: "GALLERY",
  });
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
  await followMailedLink(page, DEMO.email, /Someone tried to sign up/, "Set a new password");
  await expect(page.getByRole("heading", { name: "Set a new password" })).toBeVisible();
  // The demo keeps its password: the owner only sees the warning and may ignore it.
  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/);
});

test("invitation end to end: mailed link, a stranger holding it is refused, the invitee signs up, confirms and joins", async ({
  page,
}) => {
  const invited = `invitee-${Date.now()}@example.test`;
  await signIn(page, DEMO.email, DEMO.password);
  await expect(page).toHaveURL(/\/t\/demo/);
  await page.goto(`/t/${DEMO.slug}/settings`);
  await page.getByLabel("Invite by email").fill(invited);
  await page.getByLabel("Role", { exact: true }).selectOption("MEMBER");
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const row = page.getByRole("listitem").filter({ hasText: invited });
  await expect(row).toContainText("invitation pending — link valid until");
  // "Resend" replaces the link; only the newest works.
  await row.getByRole("button", { name: "Resend" }).click();
  await expect(page.getByText("Invitation mailed.")).toBeVisible();
  await saveScreenshot(page, "members-pending-invitation");
  await page.context().clearCookies();

  // A different, verified account that got hold of the newest link cannot use it.
  const stranger = `stranger-${Date.now()}@example.test`;
  await signUpAndConfirm(page, {
    name: "Stranger",
    email: stranger,
    password: "stranger-password",
    tenantName: "Stranger Things",
    tenantKind: "STORE",
  });
  await expect(page).toHaveURL(/\/t\/stranger-things/);
  await followMailedLink(page, invited, /invited you to/, "Open the invitation", { count: 2 });
  await expect(page.getByText("This invitation was sent to a different email address")).toBeVisible();
  await expect(page.getByRole("button", { name: "Accept invitation" })).toHaveCount(0);
  const forged = await page.request.post("/api/trpc/member.acceptInvitation", {
    headers: { "content-type": "application/json" },
    data: { json: { token: new URL(page.url()).searchParams.get("token") } },
  });
  expect(forged.status()).toBe(403);
  await page.context().clearCookies();

  // The invitee: the link, a new account (no workspace of their own), the confirmation mail, sign in, accept.
  await followMailedLink(page, invited, /invited you to/, "Open the invitation", { count: 2 });
  await expect(page.getByRole("heading", { name: "Join Harbour Gallery" })).toBeVisible();
  await page.getByRole("link", { name: "create an account" }).click();
  await expect(page).toHaveURL(/\/signup\?callbackUrl=%2Finvite/);
  await expect(page.getByLabel("Work email")).toBeVisible();
  await expect(page.getByLabel("Gallery, store or site name")).toHaveCount(0);
  await signUpAndConfirm(page, { name: "Ivy Invitee", email: invited, password: "invitee-password" });
  await expect(page.getByRole("heading", { name: "Join Harbour Gallery" })).toBeVisible();
  await saveScreenshot(page, "invitation-accept");
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page).toHaveURL(/\/t\/demo/);
  await expect(page.getByLabel("Switch workspace")).toHaveValue("demo");

  // Spent: opening the link again finds nothing.
  await followMailedLink(page, invited, /invited you to/, "Open the invitation", { count: 2 });
  await expect(page.getByRole("heading", { name: "Invitation not found" })).toBeVisible();
});

test("after sign-in, a callbackUrl to another site is ignored", async ({ page }) => {
  for (const attack of ["//evil.example/", "/\\evil.example/", "https://evil.example/"]) {
    await page.context().clearCookies();
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(attack)}`);
    await page.getByLabel("Email").fill(DEMO.email);
    await page.getByLabel("Password").fill(DEMO.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/t\/demo/);
    expect(new URL(page.url()).host).not.toContain("evil");
  }
});

test("forgot password: a mailed single-use link sets a new one and ends the sessions signed in before it", async ({
  page,
  browser,
}) => {
  const email = `forgetful-${Date.now()}@example.test`;
  await signUpAndConfirm(page, {
    name: "Fay Forgetful",
    email,
    password: "first-password-1",
    tenantName: "Forgetful Art",
    tenantKind: "GALLERY",
  });
  await expect(page).toHaveURL(/\/t\/forgetful-art/);
  // Someone who learnt the old password signs in elsewhere; the reset must throw them out.
  const intruder = await (await browser.newContext()).newPage();
  await signIn(intruder, email, "first-password-1");
  await expect(intruder).toHaveURL(/\/t\/forgetful-art/);
  await page.context().clearCookies();
  await page.goto("/signin");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password/);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Mail me a link" }).click();
  await expect(page.getByText("a link to set a new password is on its way")).toBeVisible();
  await followMailedLink(page, email, /Set a new Stockhook password/, "Set a new password");
  await page.getByLabel("New password").fill("second-password-2");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page.getByText("Your password is changed")).toBeVisible();
  await signIn(page, email, "second-password-2");
  await expect(page).toHaveURL(/\/t\/forgetful-art/);

  await intruder.goto("/t/forgetful-art");
  await expect(intruder).toHaveURL(/\/signin/);
  await intruder.context().close();
});
