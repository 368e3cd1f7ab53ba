/**
 * Alert notifications end to end (issue 22, item 4): a storefront really fails (the simulator's
 * outage switch, the real connector and push), the evaluation runs as the notify-alerts function
 * runs it, mail goes over SMTP into a real Mailpit and the Slack message into a local receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMailpit, type RunningMailpit } from "../../../scripts/lib/mailpit";
import { createSimulator, externalIdOf, type Simulator } from "@sim";
import { createSmtpMailer } from "@/server/mail/mailer";
import { guardedFetch } from "@/server/network/guarded-fetch";
import { attemptPush, type PushRequest } from "@/server/pipeline/channel-push";
import { callerFor, createTenantFixture, type TenantFixture } from "@test-support/fixtures";
import { listMail, readMail, waitForMail } from "@test-support/mailbox";
import { noRetryConnector } from "@test-support/sim-connectors";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { startReceiver, type Receiver } from "@test-support/webhook-receiver";
import { evaluateAndNotify, type NotificationDeps } from "./deliveries";
import { RESOLVE_HOLD_DOWN_MS } from "./incidents";
import { TEST_NOTIFICATION_LIMIT } from "./test-limit";

const STORE = "woocommerce:notify";
let database: TestDatabase;
let mailpit: RunningMailpit;
let sim: Simulator;
let receiver: Receiver;
let deps: NotificationDeps;
let fx: TenantFixture;
let channelId: string;
let externalId: string;
const people = { admin: "", member: "", unverifiedAdmin: "" };

const connectorFor = async () => noRetryConnector(sim, STORE, { maxRetryAfterMs: 5_000 });
const request = (): PushRequest => ({
  tenantId: fx.tenant.id,
  itemId: fx.item.id,
  connectionId: channelId,
  externalId,
  webhookEventId: fx.event.id,
});
const slackPosts = () => receiver.received.filter((r) => r.method === "POST" && r.path.startsWith("/services/"));
const mailTo = async (to: string, subject: RegExp) =>
  (await listMail(mailpit.apiUrl, to)).filter((m) => subject.test(m.Subject));

async function member(label: string, role: "ADMIN" | "MEMBER", verified: boolean) {
  const user = await database.prisma.user.create({
    data: { email: `${label}@notify.test`, name: label, emailVerifiedAt: verified ? new Date() : null },
  });
  await database.prisma.membership.create({ data: { tenantId: fx.tenant.id, userId: user.id, role } });
  return user.email;
}

// On a fresh machine the first run builds Mailpit from its Go module (minutes), hence the long hook timeout.
beforeAll(async () => {
  [database, mailpit, sim, receiver] = await Promise.all([
    createTestDatabase(),
    startMailpit(),
    createSimulator({
      stores: [
        {
          provider: "woocommerce",
          id: "notify",
          items: [{ sku: "ART-9", title: "Artwork", quantity: 1, unique: true }],
        },
      ],
    }),
    startReceiver(),
  ]);
  // The saved URL is checked against the outbound rules: the local receiver is allow-listed, as in development.
  process.env.OUTBOUND_ALLOW_LIST = `127.0.0.1:${receiver.port}`;
  deps = {
    mailer: createSmtpMailer(mailpit.smtpUrl, "Stockhook <alerts@stockhook.test>"),
    fetch: guardedFetch({ policy: { allowList: [`127.0.0.1:${receiver.port}`] }, maxRedirects: 0 }),
    appUrl: "https://stockhook.test",
  };
  fx = await createTenantFixture(database.prisma, "notify");
  people.admin = await member("admin", "ADMIN", true);
  people.member = await member("member", "MEMBER", true);
  people.unverifiedAdmin = await member("unverified-admin", "ADMIN", false);
  const channel = await database.prisma.connection.create({
    data: {
      tenantId: fx.tenant.id,
      provider: "WOOCOMMERCE",
      direction: "CHANNEL",
      name: "Web shop",
      baseUrl: "unused",
    },
  });
  channelId = channel.id;
  externalId = String(externalIdOf(sim.stores.require(STORE), 0));
  await database.prisma.itemLink.create({
    data: { tenantId: fx.tenant.id, itemId: fx.item.id, connectionId: channelId, externalId },
  });
}, 30 * 60_000);

afterAll(async () => {
  delete process.env.OUTBOUND_ALLOW_LIST;
  await Promise.all([database?.close(), mailpit?.stop(), sim?.close(), receiver?.close()]);
});

describe("alert notifications, end to end", () => {
  it("saves the Slack URL sealed, showing only its host and last four characters", async () => {
    const caller = callerFor(database.prisma, fx.user.id, fx.tenant.slug);
    const settings = await caller.notifications.setSlackUrl({
      url: `${receiver.url}/services/T0001/B0001/secret-token-9f3c`,
    });
    expect(settings.slack).toEqual({ hint: `127.0.0.1:${receiver.port} … 9f3c` });
    const row = await database.prisma.notificationSetting.findUniqueOrThrow({ where: { tenantId: fx.tenant.id } });
    expect(Buffer.from(row.slackCiphertext!).toString("utf8")).not.toContain("secret-token");
    expect(JSON.stringify(await caller.notifications.settings())).not.toContain("secret-token");
    // Members cannot read or change the settings.
    const memberUser = await database.prisma.user.findUniqueOrThrow({ where: { email: people.member } });
    await expect(callerFor(database.prisma, memberUser.id, fx.tenant.slug).notifications.settings()).rejects.toThrow(
      /owners and admins/,
    );
    // A private address that is not allow-listed is refused when saved.
    await expect(caller.notifications.setSlackUrl({ url: "https://10.0.0.8/services/x" })).rejects.toThrow(
      /private address/,
    );
  });

  it("a failing storefront sends one alert to each verified owner and admin and one Slack post; healed, one resolved of each", async () => {
    const opened = /\[Tenant notify\] Critical: Web shop is failing/;
    const resolved = /\[Tenant notify\] Resolved: Web shop is failing/;
    const owner = fx.user.email;

    sim.controls.set(STORE, { outage: "error", outageStatus: 503 });
    await database.prisma.item.update({ where: { id: fx.item.id }, data: { quantity: 0, status: "SOLD" } });
    const failed = await attemptPush(database.prisma, connectorFor, request(), { number: 1, delaysMs: [60_000] });
    expect(failed.kind).toBe("failed");

    const start = new Date();
    const first = await evaluateAndNotify(database.prisma, deps, start);
    expect(first.filter((o) => o.delivered)).toHaveLength(3);
    const alertMail = await waitForMail(mailpit.apiUrl, owner, { subject: opened });
    await waitForMail(mailpit.apiUrl, people.admin, { subject: opened });
    expect(alertMail.text).toContain("Tenant notify");
    expect(alertMail.text).toContain("What to do: Stockhook keeps retrying on its own");
    expect(alertMail.links).toContain(`https://stockhook.test/t/${fx.tenant.slug}/events?channel=${channelId}`);
    expect(alertMail.html).toContain("Open it in Stockhook");
    expect(slackPosts()).toHaveLength(1);
    const post = JSON.parse(slackPosts()[0]!.body) as { text: string; blocks: unknown[] };
    expect(post.text).toMatch(/^\[Tenant notify\] Critical: Web shop is failing/);
    expect(post.blocks.length).toBeGreaterThan(0);

    // Still failing a minute later: nothing new.
    await evaluateAndNotify(database.prisma, deps, new Date(start.getTime() + 60_000));

    sim.controls.reset(STORE);
    const healed = await attemptPush(database.prisma, connectorFor, request(), { number: 2, delaysMs: [60_000] });
    expect(healed.kind).toBe("succeeded");
    const clearedAt = new Date(start.getTime() + 2 * 60_000);
    expect(await evaluateAndNotify(database.prisma, deps, clearedAt)).toEqual([]);
    const afterHoldDown = new Date(clearedAt.getTime() + RESOLVE_HOLD_DOWN_MS);
    expect((await evaluateAndNotify(database.prisma, deps, afterHoldDown)).filter((o) => o.delivered)).toHaveLength(3);
    const resolvedMail = await waitForMail(mailpit.apiUrl, owner, { subject: resolved });
    await waitForMail(mailpit.apiUrl, people.admin, { subject: resolved });
    expect(resolvedMail.text).toContain("Resolved in Tenant notify");
    await evaluateAndNotify(database.prisma, deps, new Date(afterHoldDown.getTime() + 60_000));

    for (const to of [owner, people.admin]) {
      expect(await mailTo(to, opened)).toHaveLength(1);
      expect(await mailTo(to, resolved)).toHaveLength(1);
    }
    for (const to of [people.member, people.unverifiedAdmin]) expect(await listMail(mailpit.apiUrl, to)).toEqual([]);
    expect(slackPosts().map((p) => (JSON.parse(p.body) as { text: string }).text.split(":")[0])).toEqual([
      "[Tenant notify] Critical",
      "[Tenant notify] Resolved",
    ]);
  });

  it("the test notification really sends, to the person asking and to Slack", async () => {
    const before = slackPosts().length;
    const outcome = await callerFor(database.prisma, fx.user.id, fx.tenant.slug, {
      mailer: deps.mailer,
    }).notifications.sendTest();
    expect(outcome).toEqual({ email: { sentTo: fx.user.email }, slack: { sent: true } });
    const mail = await waitForMail(mailpit.apiUrl, fx.user.email, { subject: /Test notification/ });
    expect((await readMail(mailpit.apiUrl, mail.id)).text).toContain("Tenant notify");
    expect(slackPosts()).toHaveLength(before + 1);
  });

  it("test notifications are limited per workspace: past the hour's allowance nothing is mailed or posted", async () => {
    const spammer = await createTenantFixture(database.prisma, "spammer");
    const caller = callerFor(database.prisma, spammer.user.id, spammer.tenant.slug, { mailer: deps.mailer });
    const first = await caller.notifications.sendTest();
    expect(first.email).toEqual({ sentTo: spammer.user.email });
    for (let sent = 1; sent < TEST_NOTIFICATION_LIMIT.points; sent += 1) await caller.notifications.sendTest();
    const mailBefore = (await listMail(mailpit.apiUrl, spammer.user.email)).length;
    const postsBefore = slackPosts().length;
    await expect(caller.notifications.sendTest()).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((await listMail(mailpit.apiUrl, spammer.user.email)).length).toBe(mailBefore);
    expect(slackPosts()).toHaveLength(postsBefore);
    // Another workspace's allowance is its own.
    await callerFor(database.prisma, fx.user.id, fx.tenant.slug, { mailer: deps.mailer }).notifications.sendTest();
  });

  it("a muted kind or email switched off sends nothing that way", async () => {
    const caller = callerFor(database.prisma, fx.user.id, fx.tenant.slug);
    const saved = await caller.notifications.update({ emailEnabled: false, enabledKinds: ["signature-mismatch"] });
    expect(saved.emailEnabled).toBe(false);
    expect(saved.kinds.find((k) => k.kind === "channel-failing")?.enabled).toBe(false);
    const audit = await database.prisma.auditLog.findFirst({
      where: { tenantId: fx.tenant.id, action: "notifications.updated" },
    });
    expect(audit).not.toBeNull();
    const mailBefore = (await listMail(mailpit.apiUrl, fx.user.email)).length;
    const postsBefore = slackPosts().length;
    sim.controls.set(STORE, { outage: "error", outageStatus: 503 });
    await database.prisma.item.update({ where: { id: fx.item.id }, data: { quantity: 1, status: "AVAILABLE" } });
    await database.prisma.channelPush.deleteMany({ where: { connectionId: channelId } });
    expect((await attemptPush(database.prisma, connectorFor, request(), { number: 1, delaysMs: [60_000] })).kind).toBe(
      "failed",
    );
    expect(await evaluateAndNotify(database.prisma, deps, new Date(Date.now() + 60 * 60_000))).toEqual([]);
    expect((await listMail(mailpit.apiUrl, fx.user.email)).length).toBe(mailBefore);
    expect(slackPosts()).toHaveLength(postsBefore);
  });

  it("a failing Slack receiver neither blocks the mail nor another tenant, and is not retried every minute", async () => {
    const other = await createTenantFixture(database.prisma, "other");
    await callerFor(database.prisma, other.user.id, other.tenant.slug).notifications.setSlackUrl({
      url: `${receiver.url}/services/broken/hook`,
    });
    await database.prisma.platformSubscription.create({
      data: {
        tenantId: other.tenant.id,
        connectionId: other.connection.id,
        externalId: "sub-1",
        notificationUrl: "https://stockhook.test/api/webhooks/x",
        secretId: other.secret.id,
        state: "FAILED",
        lastError: "The platform refused (HTTP 403).",
      },
    });
    receiver.respondWith((request, response) => {
      response.statusCode = request.path.includes("/broken/") ? 500 : 200;
      response.end();
    });
    const outcomes = await evaluateAndNotify(database.prisma, deps, new Date(Date.now() + 2 * 60 * 60_000));
    const mine = outcomes.filter((o) => o.tenantId === other.tenant.id);
    expect(mine.map((o) => [o.channel, o.delivered, o.error ?? null])).toEqual([
      ["email", true, null],
      ["slack", false, "the incoming webhook answered HTTP 500"],
    ]);
    await waitForMail(mailpit.apiUrl, other.user.email, { subject: /may not be sending webhooks/ });
    const again = await evaluateAndNotify(database.prisma, deps, new Date(Date.now() + 2 * 60 * 60_000 + 60_000));
    expect(again.filter((o) => o.tenantId === other.tenant.id)).toEqual([]);
  });
});
