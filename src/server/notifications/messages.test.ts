import { describe, expect, it } from "vitest";
import { alertOpenedMail, alertResolvedMail } from "@/server/mail/templates";
import { slackHint } from "./settings";
import { slackMessage } from "./slack";

const input = {
  tenantName: "Harbour <Gallery>",
  severity: "critical" as const,
  title: "Web shop is failing: updates are queued until it recovers",
  action: "Check the storefront is up & its credentials are valid.",
  url: "https://stockhook.test/t/harbour/connections/c1",
  settingsUrl: "https://stockhook.test/t/harbour/settings",
  openedAt: new Date("2026-12-06T19:00:00Z"),
};

describe("alert messages", () => {
  it("mail names the workspace, the alert, what to do and the dashboard page, in text and escaped HTML", () => {
    const mail = alertOpenedMail(input);
    expect(mail.subject).toBe(
      "[Harbour <Gallery>] Critical: Web shop is failing: updates are queued until it recovers",
    );
    expect(mail.text).toContain("Critical in Harbour <Gallery> since 2026-12-06 19:00 UTC:");
    expect(mail.text).toContain("What to do: Check the storefront is up & its credentials are valid.");
    expect(mail.text).toContain("Open it in Stockhook: https://stockhook.test/t/harbour/connections/c1");
    expect(mail.text).toContain("https://stockhook.test/t/harbour/settings");
    expect(mail.html).toContain("Harbour &lt;Gallery&gt;");
    expect(mail.html).toContain('href="https://stockhook.test/t/harbour/connections/c1"');
    expect(mail.html).not.toContain("<Gallery>");
  });

  it("the resolved mail says when, and names the same alert", () => {
    const mail = alertResolvedMail({ ...input, resolvedAt: new Date("2026-12-06T19:42:00Z") });
    expect(mail.subject).toBe(
      "[Harbour <Gallery>] Resolved: Web shop is failing: updates are queued until it recovers",
    );
    expect(mail.text).toContain("Resolved in Harbour <Gallery> at 2026-12-06 19:42 UTC:");
  });

  it("Slack gets plain text plus blocks with Slack's markup characters escaped", () => {
    const message = slackMessage({
      tenantName: "Harbour <Gallery>",
      headline: "Critical",
      title: input.title,
      detail: input.action,
      url: input.url,
      linkLabel: "Open it in Stockhook",
    });
    expect(message.text).toBe(`[Harbour <Gallery>] Critical: ${input.title}`);
    expect(JSON.stringify(message.blocks)).toContain("Harbour &lt;Gallery&gt;");
    expect(JSON.stringify(message.blocks)).toContain("up &amp; its");
    expect(JSON.stringify(message.blocks)).toContain(`<${input.url}|Open it in Stockhook>`);
  });

  it("the Slack URL is shown only as its host and last four characters", () => {
    expect(slackHint(new URL("https://hooks.slack.com/services/T000/B000/XXXXabcd"))).toBe("hooks.slack.com … abcd");
  });
});
