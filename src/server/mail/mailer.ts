import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/env";
import type { MailContent } from "./templates";
import { DomainError } from "@/server/errors";
import { logger } from "@/server/logger";

/** Sends one message; resolves once the SMTP server accepted it. */
export interface Mailer {
  send(to: string, content: MailContent): Promise<void>;
}

export class MailNotConfiguredError extends Error {
  constructor() {
    super("Mail is not configured (SMTP_URL is not set), so no link can be sent");
    this.name = "MailNotConfiguredError";
  }
}

function defaultFrom(appUrl: string): string {
  return `Stockhook <no-reply@${new URL(appUrl).hostname}>`;
}

/** The mail server refused or did not answer: the caller undoes what the mail was for and says "try later". */
export class MailUnavailableError extends DomainError {
  constructor(cause: unknown) {
    super(
      "UNAVAILABLE",
      "We could not send the email just now. Nothing was saved; please try again in a few minutes.",
      {
        cause,
      },
    );
    this.name = "MailUnavailableError";
  }
}

/** A mailer over SMTP (nodemailer): `smtp://` upgrades with STARTTLS when the server offers it, `smtps://` is TLS from the start. */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport: Transporter = nodemailer.createTransport(smtpUrl);
  return {
    async send(to, content) {
      try {
        await transport.sendMail({ from, to, subject: content.subject, text: content.text, html: content.html });
      } catch (error) {
        logger.error(
          { area: "mail", err: error, subject: content.subject },
          "the mail server did not accept a message",
        );
        throw new MailUnavailableError(error);
      }
    },
  };
}

let appMailer: Mailer | undefined;

/**
 * The app's mailer, from SMTP_URL and MAIL_FROM. Production refuses to start without SMTP_URL
 * (src/env.ts); in development the mail is printed to the server log instead, with a warning, so
 * the links can still be followed.
 */
export function mailer(): Mailer {
  if (appMailer) return appMailer;
  const { SMTP_URL, MAIL_FROM, APP_URL } = env();
  const from = MAIL_FROM ?? defaultFrom(APP_URL);
  if (SMTP_URL) {
    appMailer = createSmtpMailer(SMTP_URL, from);
    return appMailer;
  }
  appMailer = {
    async send(to, content) {
      if (env().NODE_ENV === "production") throw new MailNotConfiguredError();
      logger.warn(
        { area: "mail", to, subject: content.subject },
        `SMTP_URL is not set; this message was NOT sent.\n  To: ${to}\n  Subject: ${content.subject}\n\n${content.text}\n`,
      );
    },
  };
  return appMailer;
}
