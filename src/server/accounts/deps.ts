import type { PrismaClient } from "@/generated/prisma/client";
import type { Mailer } from "@/server/mail/mailer";

/** What the account flows need: the platform database, a mailer, the app's public URL for links, the caller's address for limits. */
export interface AccountDeps {
  prisma: PrismaClient;
  mailer: Mailer;
  appUrl: string;
  ip: string;
}

export function linkTo(appUrl: string, path: string, token: string): string {
  const url = new URL(path, appUrl);
  url.searchParams.set("token", token);
  return url.toString();
}
