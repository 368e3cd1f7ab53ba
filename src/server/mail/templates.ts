/** Account mail: each message has a plain-text body and an HTML body saying the same thing. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

interface Block {
  paragraphs: string[];
  action?: { label: string; url: string };
  footer: string;
}

function render(subject: string, block: Block): MailContent {
  const text = [
    ...block.paragraphs,
    ...(block.action ? [`${block.action.label}: ${block.action.url}`] : []),
    "—",
    block.footer,
  ].join("\n\n");
  const button = block.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(block.action.url)}" style="background:#4f46e5;color:#fff;padding:10px 18px;border-radius:8px;text-decoration:none;font-weight:600">${escapeHtml(block.action.label)}</a></p>
<p style="color:#64748b;font-size:13px">Or paste this address into your browser: ${escapeHtml(block.action.url)}</p>`
    : "";
  const html = `<!doctype html>
<html><body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#0f172a;max-width:560px;margin:0 auto;padding:24px">
<p style="font-weight:700;color:#4f46e5;letter-spacing:.08em;text-transform:uppercase;font-size:12px">Stockhook</p>
${block.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
${button}
<hr style="border:none;border-top:1px solid #e2e8f0;margin:24px 0">
<p style="color:#64748b;font-size:13px">${escapeHtml(block.footer)}</p>
</body></html>`;
  return { subject, text, html };
}

const IGNORE = "If you did not ask for this, ignore this message: nothing changes until the link is used.";

export function verifyEmailMail(input: { name: string; url: string; validHours: number }): MailContent {
  return render("Confirm your email address for Stockhook", {
    paragraphs: [
      `Hello ${input.name},`,
      `Confirm that this is your address to finish creating your Stockhook account. The link works once, for ${input.validHours} hours.`,
    ],
    action: { label: "Confirm my email address", url: input.url },
    footer: IGNORE,
  });
}

/** Sent instead of a verification link when the address already has an account: the sign-up page answers the same either way. */
export function signUpAttemptMail(input: { name: string; signInUrl: string; resetUrl: string }): MailContent {
  return render("Someone tried to sign up to Stockhook with your address", {
    paragraphs: [
      `Hello ${input.name},`,
      "Someone just tried to create a Stockhook account with this email address, which already has an account. No new account was created.",
      `If it was you, sign in at ${input.signInUrl}. If you forgot your password, set a new one with the link below.`,
    ],
    action: { label: "Set a new password", url: input.resetUrl },
    footer: "If it was not you, you need not do anything: your account is unchanged.",
  });
}

export function invitationMail(input: {
  inviterName: string;
  tenantName: string;
  role: string;
  url: string;
  validDays: number;
}): MailContent {
  return render(`${input.inviterName} invited you to ${input.tenantName} on Stockhook`, {
    paragraphs: [
      `${input.inviterName} invited you to join ${input.tenantName} on Stockhook as ${input.role.toLowerCase()}.`,
      `Open the link, sign in or create an account with this email address, and accept. The invitation works once and expires in ${input.validDays} days.`,
    ],
    action: { label: "Open the invitation", url: input.url },
    footer: "If you were not expecting this, ignore it: nobody joins without the link and this address.",
  });
}

export function passwordResetMail(input: { name: string; url: string; validMinutes: number }): MailContent {
  return render("Set a new Stockhook password", {
    paragraphs: [
      `Hello ${input.name},`,
      `Someone (hopefully you) asked to set a new password for this Stockhook account. The link works once, for ${input.validMinutes} minutes.`,
    ],
    action: { label: "Set a new password", url: input.url },
    footer: "If you did not ask for this, ignore this message: your password stays as it is.",
  });
}

/** What an alert message says; `url` is the dashboard page it is about (APP_URL + /t/<slug> + path). */
export interface AlertMailInput {
  tenantName: string;
  severity: "critical" | "warning";
  title: string;
  action: string;
  url: string;
  settingsUrl: string;
  openedAt: Date;
}

const NOTIFICATION_FOOTER = (settingsUrl: string) =>
  `You receive this because you are an owner or admin of this workspace. Choose which alerts are sent on the Settings page: ${settingsUrl}`;

export function alertOpenedMail(input: AlertMailInput): MailContent {
  const label = input.severity === "critical" ? "Critical" : "Warning";
  return render(`[${input.tenantName}] ${label}: ${input.title}`, {
    paragraphs: [
      `${label} in ${input.tenantName} since ${input.openedAt.toISOString().replace("T", " ").slice(0, 16)} UTC:`,
      input.title,
      `What to do: ${input.action}`,
      "Stockhook sends one message when this opens and one when it is resolved, not a message every minute.",
    ],
    action: { label: "Open it in Stockhook", url: input.url },
    footer: NOTIFICATION_FOOTER(input.settingsUrl),
  });
}

export function alertResolvedMail(input: AlertMailInput & { resolvedAt: Date }): MailContent {
  return render(`[${input.tenantName}] Resolved: ${input.title}`, {
    paragraphs: [
      `Resolved in ${input.tenantName} at ${input.resolvedAt.toISOString().replace("T", " ").slice(0, 16)} UTC:`,
      input.title,
      "Nothing more is needed unless it comes back; if it does, you will get a new message.",
    ],
    action: { label: "Open it in Stockhook", url: input.url },
    footer: NOTIFICATION_FOOTER(input.settingsUrl),
  });
}

export function testNotificationMail(input: { tenantName: string; settingsUrl: string }): MailContent {
  return render(`[${input.tenantName}] Test notification from Stockhook`, {
    paragraphs: [
      `This is a test of ${input.tenantName}'s alert notifications. Alerts and their "resolved" messages arrive like this one.`,
    ],
    action: { label: "Open notification settings", url: input.settingsUrl },
    footer: NOTIFICATION_FOOTER(input.settingsUrl),
  });
}
