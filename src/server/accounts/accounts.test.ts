/**
 * Account takeover, written as the attacks (issue 17, items 3, 4 and 8): a real PostgreSQL (or
 * PGlite) database, real mail over SMTP into a real Mailpit, links read back from the received mail.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailpit, type RunningMailpit } from "../../../scripts/lib/mailpit";
import { hashPassword, PASSWORD_COST, verifyPassword } from "@/server/auth/password";
import { createSmtpMailer, type Mailer } from "@/server/mail/mailer";
import { callerFor, createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { linkTo, listMail, waitForMail } from "@test-support/mailbox";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { providerVouchesForEmail, resolveOAuthSignIn } from "./oauth";
import { issuePasswordResetLink, resetPassword } from "./password-reset";
import { ACCOUNT_LIMITS } from "./rate-limits";
import { sessionStillValid } from "./sessions";
import { signInWithPassword } from "./sign-in";
import { hashLinkToken } from "./tokens";
import { verifyEmail } from "./verification";

let database: TestDatabase;
let mailpit: RunningMailpit;
let mailer: Mailer;
let owner: TenantFixture;
let ipSequence = 0;

/** Each test comes from its own address, so per-IP limits only bite where a test means them to. */
const freshIp = () => `198.51.100.${++ipSequence}`;
const publicCaller = (ip = freshIp()) => callerFor(database.prisma, null, undefined, { mailer, ip });
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected a refusal");
}

/** Signs up through the API, reads the verification mail and follows its link. */
async function signUpAndVerify(email: string, password = "correct horse battery", extra: { tenantName?: string } = {}) {
  await publicCaller().auth.signUp({
    name: "Someone",
    email,
    password,
    ...(extra.tenantName ? { tenantName: extra.tenantName, tenantKind: "GALLERY" as const } : {}),
  });
  const mail = await waitForMail(mailpit.apiUrl, email, { subject: /Confirm your email/ });
  const result = await verifyEmail(database.prisma, tokenOf(linkTo(mail, "/verify-email")));
  expect(result.ok).toBe(true);
  return database.prisma.user.findUniqueOrThrow({ where: { email } });
}

// On a fresh machine the first run builds Mailpit from its Go module (minutes), hence the long hook timeout.
beforeAll(async () => {
  [database, mailpit] = await Promise.all([createTestDatabase(), startMailpit()]);
  mailer = createSmtpMailer(mailpit.smtpUrl, "Stockhook <no-reply@stockhook.test>");
  owner = await createTenantFixture(database.prisma, "owner");
}, 30 * 60_000);

afterAll(async () => {
  await Promise.all([database?.close(), mailpit?.stop()]);
});

describe("account pre-hijack (item 3)", () => {
  it("a sign-up is unusable until its mailed, single-use, hashed link is followed", async () => {
    const email = "victim@gallery.test";
    const answer = await publicCaller().auth.signUp({
      name: "Mallory",
      email,
      password: "mallorys-password",
      tenantName: "Victim Gallery",
      tenantKind: "GALLERY",
    });
    expect(answer).toEqual({ status: "check-email" });
    const user = await database.prisma.user.findUniqueOrThrow({ where: { email } });
    expect(user.emailVerifiedAt).toBeNull();
    // The attacker who typed someone else's address can neither sign in nor own a workspace.
    expect(
      await signInWithPassword(database.prisma, { email, password: "mallorys-password", ip: freshIp() }),
    ).toMatchObject({ ok: false, reason: "unverified" });
    expect(await database.prisma.membership.count({ where: { userId: user.id } })).toBe(0);
    expect(
      (await errorOf(callerFor(database.prisma, user.id).tenant.create({ name: "Mallory Fine Art", kind: "GALLERY" })))
        .code,
    ).toBe("FORBIDDEN");

    const mail = await waitForMail(mailpit.apiUrl, email, { subject: /Confirm your email/ });
    expect(mail.html).toContain("Confirm my email address");
    const token = tokenOf(linkTo(mail, "/verify-email"));
    const stored = await database.prisma.accountToken.findFirstOrThrow({
      where: { userId: user.id, purpose: "VERIFY_EMAIL" },
    });
    expect(stored.tokenHash).toBe(hashLinkToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);

    const verified = await verifyEmail(database.prisma, token);
    expect(verified).toMatchObject({ ok: true, tenantSlug: "victim-gallery", next: "/t/victim-gallery" });
    expect(await verifyEmail(database.prisma, token)).toEqual({ ok: false, reason: "invalid" });
    expect(
      await signInWithPassword(database.prisma, { email, password: "mallorys-password", ip: freshIp() }),
    ).toMatchObject({ ok: true });
  });

  it("refuses an expired or made-up verification link", async () => {
    const email = "slow.reader@gallery.test";
    await publicCaller().auth.signUp({ name: "Slow", email, password: "slow-reader-password" });
    const token = tokenOf(linkTo(await waitForMail(mailpit.apiUrl, email, { subject: /Confirm/ }), "/verify-email"));
    await database.prisma.accountToken.updateMany({
      where: { tokenHash: hashLinkToken(token) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await verifyEmail(database.prisma, token)).toEqual({ ok: false, reason: "expired" });
    expect(await verifyEmail(database.prisma, "A".repeat(43))).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyEmail(database.prisma, "../../etc")).toEqual({ ok: false, reason: "invalid" });
    expect((await database.prisma.user.findUniqueOrThrow({ where: { email } })).emailVerifiedAt).toBeNull();
  });

  it("resends the link to an unverified address, limited per address", async () => {
    const email = "resend@gallery.test";
    await publicCaller().auth.signUp({
      name: "Resend",
      email,
      password: "resend-password-1",
      tenantName: "Resend Prints",
      tenantKind: "STORE",
    });
    await publicCaller().auth.resendVerification({ email });
    const resent = await waitForMail(mailpit.apiUrl, email, { subject: /Confirm/, count: 2 });
    // The newest link still carries the workspace asked for at sign-up.
    expect(await verifyEmail(database.prisma, tokenOf(linkTo(resent, "/verify-email")))).toMatchObject({
      ok: true,
      tenantSlug: "resend-prints",
    });
    // The address had 2 mails; the rest of its hourly allowance, then a refusal, from any IP.
    for (let sent = 2; sent < ACCOUNT_LIMITS.mailsPerAddress.points; sent += 1)
      await publicCaller().auth.resendVerification({ email });
    expect((await errorOf(publicCaller().auth.resendVerification({ email }))).code).toBe("TOO_MANY_REQUESTS");
  });

  it("links an OAuth identity to an existing account only when both the provider and the account vouch for the address", async () => {
    // Mallory pre-creates a password account with the victim's address and never verifies it.
    await publicCaller().auth.signUp({
      name: "Mallory",
      email: "oauth.victim@gallery.test",
      password: "mallorys-password",
    });
    const placeholder = await database.prisma.user.findUniqueOrThrow({ where: { email: "oauth.victim@gallery.test" } });
    // The victim later signs in with Google: linking would let Mallory's password into the victim's account.
    expect(
      await resolveOAuthSignIn(database.prisma, {
        email: "Oauth.Victim@gallery.test",
        emailVerified: true,
        name: "Victim",
      }),
    ).toEqual({ allow: false, reason: "AccountEmailUnverified" });
    // A provider that does not vouch for the address links nothing, even onto a verified account.
    expect(
      await resolveOAuthSignIn(database.prisma, { email: owner.user.email, emailVerified: false, name: "Impostor" }),
    ).toEqual({ allow: false, reason: "ProviderEmailUnverified" });
    expect(
      await resolveOAuthSignIn(database.prisma, { email: owner.user.email, emailVerified: true, name: "Owner" }),
    ).toEqual({ allow: true, userId: owner.user.id, created: false });
    const fresh = await resolveOAuthSignIn(database.prisma, {
      email: "new.oauth@gallery.test",
      emailVerified: true,
      name: "New",
    });
    expect(fresh).toMatchObject({ allow: true, created: true });
    expect(
      (await database.prisma.user.findUniqueOrThrow({ where: { email: "new.oauth@gallery.test" } })).emailVerifiedAt,
    ).not.toBeNull();
    expect(
      (await database.prisma.user.findUniqueOrThrow({ where: { id: placeholder.id } })).emailVerifiedAt,
    ).toBeNull();
  });

  it("reads the providers' own verified flags (Google's email_verified, GitHub's emails API)", async () => {
    expect(
      await providerVouchesForEmail("google", {
        profile: { email_verified: true },
        accessToken: "t",
        email: "a@b.test",
      }),
    ).toBe(true);
    expect(
      await providerVouchesForEmail("google", {
        profile: { email_verified: "true" },
        accessToken: "t",
        email: "a@b.test",
      }),
    ).toBe(false);
    // GitHub's documented answer for GET /user/emails, from a stand-in for api.github.com.
    const github = (emails: unknown) =>
      (async (url: string | URL | Request, init?: RequestInit) => {
        expect(String(url)).toBe("https://api.github.com/user/emails");
        expect(new Headers(init?.headers).get("authorization")).toBe("Bearer gh-token");
        return Response.json(emails);
      }) as typeof fetch;
    const emails = [
      { email: "Dev@Example.test", primary: true, verified: true, visibility: "public" },
      { email: "old@example.test", primary: false, verified: false, visibility: null },
    ];
    expect(
      await providerVouchesForEmail(
        "github",
        { profile: {}, accessToken: "gh-token", email: "dev@example.test" },
        github(emails),
      ),
    ).toBe(true);
    expect(
      await providerVouchesForEmail(
        "github",
        { profile: {}, accessToken: "gh-token", email: "old@example.test" },
        github(emails),
      ),
    ).toBe(false);
    expect(
      await providerVouchesForEmail(
        "github",
        { profile: {}, accessToken: "gh-token", email: "else@example.test" },
        github(emails),
      ),
    ).toBe(false);
  });
});

describe("invitations (item 4)", () => {
  const ownerCaller = () => callerFor(database.prisma, owner.user.id, owner.tenant.slug, { mailer });

  it("signing up with an invited address no longer joins the workspace; only the mailed token does, once", async () => {
    const invited = "invitee@harbour.test";
    await ownerCaller().member.invite({ email: invited, role: "MEMBER" });
    const invitationMail = await waitForMail(mailpit.apiUrl, invited, { subject: /invited you to/ });
    const token = tokenOf(linkTo(invitationMail, "/invite"));
    const pending = await database.prisma.membership.findFirstOrThrow({
      where: { tenantId: owner.tenant.id, invitedEmail: invited },
    });
    expect(pending.inviteTokenHash).toBe(hashLinkToken(token));

    // The old attack: sign up (and even verify) with the invited address, without the token.
    const invitee = await signUpAndVerify(invited);
    expect(await database.prisma.membership.count({ where: { tenantId: owner.tenant.id, userId: invitee.id } })).toBe(
      0,
    );

    // Someone else who got hold of the link is refused.
    const mallory = await signUpAndVerify("mallory@evil.test");
    expect(await errorOf(callerFor(database.prisma, mallory.id).member.acceptInvitation({ token }))).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/different email address/),
    });
    expect(await database.prisma.membership.count({ where: { tenantId: owner.tenant.id, userId: mallory.id } })).toBe(
      0,
    );

    // The invited, verified address with the token joins, once.
    expect(await callerFor(database.prisma, invitee.id).member.acceptInvitation({ token })).toEqual({
      tenantSlug: owner.tenant.slug,
    });
    expect(
      await database.prisma.membership.findFirstOrThrow({ where: { tenantId: owner.tenant.id, userId: invitee.id } }),
    ).toMatchObject({ role: "MEMBER", status: "ACTIVE", inviteTokenHash: null });
    expect((await errorOf(callerFor(database.prisma, mallory.id).member.acceptInvitation({ token }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("refuses an unverified account, an expired token, a revoked one and a replaced one", async () => {
    const invited = "second@harbour.test";
    await ownerCaller().member.invite({ email: invited, role: "VIEWER" });
    const first = tokenOf(linkTo(await waitForMail(mailpit.apiUrl, invited, { subject: /invited you/ }), "/invite"));
    await publicCaller().auth.signUp({ name: "Second", email: invited, password: "second-password" });
    const unverified = await database.prisma.user.findUniqueOrThrow({ where: { email: invited } });
    expect(
      await errorOf(callerFor(database.prisma, unverified.id).member.acceptInvitation({ token: first })),
    ).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/Confirm your email/) });
    await verifyEmail(
      database.prisma,
      tokenOf(linkTo(await waitForMail(mailpit.apiUrl, invited, { subject: /Confirm/ }), "/verify-email")),
    );

    const invitation = await database.prisma.membership.findFirstOrThrow({
      where: { tenantId: owner.tenant.id, invitedEmail: invited },
    });
    await database.prisma.membership.update({
      where: { id: invitation.id },
      data: { inviteExpiresAt: new Date(Date.now() - 1000) },
    });
    expect(
      await errorOf(callerFor(database.prisma, unverified.id).member.acceptInvitation({ token: first })),
    ).toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/expired/) });

    // "Resend" replaces the link: the old one is dead, the new one works for 7 more days.
    await ownerCaller().member.resendInvitation({ id: invitation.id });
    const second = tokenOf(
      linkTo(await waitForMail(mailpit.apiUrl, invited, { subject: /invited you/, count: 2 }), "/invite"),
    );
    expect(second).not.toBe(first);
    expect(
      (await errorOf(callerFor(database.prisma, unverified.id).member.acceptInvitation({ token: first }))).code,
    ).toBe("NOT_FOUND");

    // "Revoke" removes the invitation and its link.
    await ownerCaller().member.remove({ id: invitation.id });
    expect(
      (await errorOf(callerFor(database.prisma, unverified.id).member.acceptInvitation({ token: second }))).code,
    ).toBe("NOT_FOUND");
    const audit = await database.prisma.auditLog.findMany({
      where: { tenantId: owner.tenant.id, target: `membership:${invitation.id}` },
      select: { action: true },
    });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["member.invited", "member.invitation_resent", "member.invitation_revoked"]),
    );
  });
});

describe("brute force and enumeration (item 8)", () => {
  it(
    "sign-up answers the same for a known address; the owner gets a 'someone tried' mail and nothing changes",
    { timeout: 180_000 },
    async () => {
      const known = await signUpAndVerify("known@gallery.test", "the-real-password");
      const before = await database.prisma.user.findUniqueOrThrow({ where: { id: known.id } });
      const forKnown = await publicCaller().auth.signUp({
        name: "Prober",
        email: "KNOWN@gallery.test",
        password: "probe-password",
        tenantName: "Probe",
        tenantKind: "STORE",
      });
      const forNew = await publicCaller().auth.signUp({
        name: "Prober",
        email: "unknown@gallery.test",
        password: "probe-password",
        tenantName: "Probe",
        tenantKind: "STORE",
      });
      expect(forKnown).toEqual(forNew);
      const warning = await waitForMail(mailpit.apiUrl, "known@gallery.test", { subject: /Someone tried to sign up/ });
      expect(warning.text).toContain("No new account was created");
      expect(await database.prisma.user.count({ where: { email: "known@gallery.test" } })).toBe(1);
      expect((await database.prisma.user.findUniqueOrThrow({ where: { id: known.id } })).passwordHash).toBe(
        before.passwordHash,
      );

      // Its reset link sets a new password once, and counts as proof of the address.
      const reset = tokenOf(linkTo(warning, "/reset-password"));
      await publicCaller().auth.resetPassword({ token: reset, password: "a-brand-new-password" });
      expect(
        (await errorOf(publicCaller().auth.resetPassword({ token: reset, password: "another-password-1" }))).code,
      ).toBe("BAD_REQUEST");
      expect(
        await signInWithPassword(database.prisma, {
          email: "known@gallery.test",
          password: "a-brand-new-password",
          ip: freshIp(),
        }),
      ).toMatchObject({ ok: true });
    },
  );

  it("a password reset ends the session someone signed in with the old password", { timeout: 180_000 }, async () => {
    const victim = await signUpAndVerify("stolen@gallery.test", "the-leaked-password");
    const intruderSignedInAt = Date.now();
    expect(await sessionStillValid(database.prisma, victim.id, intruderSignedInAt)).toBe(true);

    const link = await issuePasswordResetLink(database.prisma, "http://app.test", victim.id);
    await resetPassword(database.prisma, tokenOf(link), "a-password-only-the-owner-knows");

    expect(await sessionStillValid(database.prisma, victim.id, intruderSignedInAt)).toBe(false);
    // A session without a recorded sign-in time cannot prove it is newer than the reset.
    expect(await sessionStillValid(database.prisma, victim.id, undefined)).toBe(false);
    expect(await sessionStillValid(database.prisma, victim.id, Date.now())).toBe(true);
    expect(await sessionStillValid(database.prisma, "no-such-user", Date.now())).toBe(false);
  });

  it("with the mail server down, sign-up says to try later and keeps no account, so the retry is a new sign-up", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const deadMailer = createSmtpMailer(`smtp://127.0.0.1:${closedPort}`, "Stockhook <no-reply@stockhook.test>");
    const email = "smtp-down@gallery.test";
    const signUp = (caller: ReturnType<typeof publicCaller>) =>
      caller.auth.signUp({
        name: "Patient",
        email,
        password: "patient-password",
        tenantName: "Patience",
        tenantKind: "GALLERY",
      });

    const refusal = await errorOf(
      signUp(callerFor(database.prisma, null, undefined, { mailer: deadMailer, ip: freshIp() })),
    );
    expect(refusal.code).toBe("SERVICE_UNAVAILABLE");
    expect(refusal.message).toMatch(/could not send the email.*try again/i);
    expect(await database.prisma.user.count({ where: { email } })).toBe(0);

    await signUp(publicCaller());
    const mail = await waitForMail(mailpit.apiUrl, email, { subject: /Confirm your email/ });
    expect((await verifyEmail(database.prisma, tokenOf(linkTo(mail, "/verify-email")))).ok).toBe(true);
  });

  // Each attempt is a real scrypt at N=2^17: slow on a busy 2-core machine, hence the generous timeouts.
  it(
    "locks an account after 10 failures from many addresses, even for the right password, and says the same for unknown accounts",
    { timeout: 300_000 },
    async () => {
      await signUpAndVerify("target@gallery.test", "the-right-password");
      for (let attempt = 0; attempt < ACCOUNT_LIMITS.signInFailuresPerAccount.points; attempt += 1) {
        expect(
          await signInWithPassword(database.prisma, {
            email: "target@gallery.test",
            password: `guess-${attempt}`,
            ip: freshIp(),
          }),
        ).toEqual({ ok: false, reason: "invalid" });
      }
      expect(
        await signInWithPassword(database.prisma, {
          email: "Target@gallery.test",
          password: "the-right-password",
          ip: freshIp(),
        }),
      ).toMatchObject({ ok: false, reason: "rate_limited" });
      for (let attempt = 0; attempt < ACCOUNT_LIMITS.signInFailuresPerAccount.points; attempt += 1) {
        await signInWithPassword(database.prisma, {
          email: "nobody@gallery.test",
          password: `guess-${attempt}`,
          ip: freshIp(),
        });
      }
      expect(
        await signInWithPassword(database.prisma, {
          email: "nobody@gallery.test",
          password: "anything",
          ip: freshIp(),
        }),
      ).toMatchObject({ ok: false, reason: "rate_limited" });
      // The owner, proven by a mailed reset link, gets back in at once.
      await publicCaller().auth.requestPasswordReset({ email: "target@gallery.test" });
      const reset = tokenOf(
        linkTo(
          await waitForMail(mailpit.apiUrl, "target@gallery.test", { subject: /Set a new Stockhook password/ }),
          "/reset-password",
        ),
      );
      await publicCaller().auth.resetPassword({ token: reset, password: "a-fresh-password-1" });
      expect(
        await signInWithPassword(database.prisma, {
          email: "target@gallery.test",
          password: "a-fresh-password-1",
          ip: freshIp(),
        }),
      ).toMatchObject({ ok: true });
      // The count lives in the database (shared by every instance), not in this process.
      expect(
        await database.prisma.rateLimiterFlexible.count({
          where: { key: { startsWith: "account_signInFailuresPerAccount" } },
        }),
      ).toBe(1);
    },
  );

  it("stops one address spraying passwords over many accounts", { timeout: 300_000 }, async () => {
    const ip = freshIp();
    const { points } = ACCOUNT_LIMITS.signInFailuresPerIp;
    for (let attempt = 0; attempt < points; attempt += 5) {
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          signInWithPassword(database.prisma, {
            email: `spray-${attempt + i}@gallery.test`,
            password: "Summer2026!",
            ip,
          }),
        ),
      );
    }
    expect(
      await signInWithPassword(database.prisma, { email: owner.user.email, password: "Summer2026!", ip }),
    ).toMatchObject({ ok: false, reason: "rate_limited" });
    expect(
      await signInWithPassword(database.prisma, {
        email: "spray-0@gallery.test",
        password: "Summer2026!",
        ip: freshIp(),
      }),
    ).toEqual({ ok: false, reason: "invalid" });
  });

  it("limits sign-ups from one address", { timeout: 300_000 }, async () => {
    const ip = freshIp();
    for (let attempt = 0; attempt < ACCOUNT_LIMITS.accountRequestsPerIp.points; attempt += 1) {
      await callerFor(database.prisma, null, undefined, { mailer, ip }).auth.signUp({
        name: "Bot",
        email: `bot-${attempt}@spam.test`,
        password: "bot-password-1",
      });
    }
    expect(
      (
        await errorOf(
          callerFor(database.prisma, null, undefined, { mailer, ip }).auth.signUp({
            name: "Bot",
            email: "bot-last@spam.test",
            password: "bot-password-1",
          }),
        )
      ).code,
    ).toBe("TOO_MANY_REQUESTS");
    expect(await database.prisma.user.count({ where: { email: "bot-last@spam.test" } })).toBe(0);
    expect(await listMail(mailpit.apiUrl, "bot-last@spam.test")).toEqual([]);
  });

  it("hashes with OWASP's scrypt cost and re-hashes an older hash at the next successful sign-in", async () => {
    expect(PASSWORD_COST).toEqual({ N: 131072, r: 8, p: 1 });
    const legacy = await legacyHash("an-old-password");
    const user = await database.prisma.user.create({
      data: { email: "legacy@gallery.test", name: "Legacy", passwordHash: legacy, emailVerifiedAt: new Date() },
    });
    expect(
      await signInWithPassword(database.prisma, { email: user.email, password: "wrong-password", ip: freshIp() }),
    ).toMatchObject({ ok: false });
    expect((await database.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBe(legacy);
    expect(
      await signInWithPassword(database.prisma, { email: user.email, password: "an-old-password", ip: freshIp() }),
    ).toMatchObject({ ok: true });
    const upgraded = (await database.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!;
    expect(upgraded.split("$").slice(0, 4)).toEqual(["scrypt", "131072", "8", "1"]);
    expect(await verifyPassword("an-old-password", upgraded)).toBe(true);
    expect((await hashPassword("x")).startsWith("scrypt$131072$8$1$")).toBe(true);
  });
});

/** A hash as the previous cost (N=2^14) wrote it. */
async function legacyHash(password: string): Promise<string> {
  const { randomBytes, scryptSync } = await import("node:crypto");
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize("NFKC"), salt, 64, { N: 16384, r: 8, p: 1 });
  return ["scrypt", 16384, 8, 1, salt.toString("base64url"), hash.toString("base64url")].join("$");
}
