import type { PrismaClient } from "@/generated/prisma/client";
import { accountKey } from "./rate-limits";

/** What an OAuth provider told us about the person signing in. */
export interface OAuthIdentity {
  email: string | null | undefined;
  /** The provider's own word that the person controls the address (GitHub's `verified`, Google's `email_verified`). */
  emailVerified: boolean;
  name: string | null | undefined;
}

export type OAuthSignInDecision =
  | { allow: true; userId: string; created: boolean }
  | { allow: false; reason: "ProviderEmailUnverified" | "AccountEmailUnverified" };

/**
 * Maps an OAuth identity onto a Stockhook user by email — only when the provider vouches for the
 * address, and, for an existing account, only when that account proved the address too. An
 * unverified account may be a stranger's placeholder for someone else's address (pre-hijack):
 * linking it would hand the stranger's password the real owner's account.
 */
export async function resolveOAuthSignIn(prisma: PrismaClient, identity: OAuthIdentity): Promise<OAuthSignInDecision> {
  if (!identity.email || !identity.emailVerified) return { allow: false, reason: "ProviderEmailUnverified" };
  const email = accountKey(identity.email);
  const existing = await prisma.user.findUnique({ where: { email }, select: { id: true, emailVerifiedAt: true } });
  if (existing)
    return existing.emailVerifiedAt
      ? { allow: true, userId: existing.id, created: false }
      : { allow: false, reason: "AccountEmailUnverified" };
  const created = await prisma.user.upsert({
    where: { email },
    update: {},
    create: { email, name: identity.name?.trim() || email, emailVerifiedAt: new Date() },
    select: { id: true, emailVerifiedAt: true },
  });
  return created.emailVerifiedAt
    ? { allow: true, userId: created.id, created: true }
    : { allow: false, reason: "AccountEmailUnverified" };
}

/**
 * Whether GitHub marks `email` verified on the signed-in user's account. GitHub's profile carries
 * no verified flag; its emails API does (the provider's default scope includes `user:email`).
 */
export async function githubEmailVerified(
  accessToken: string | undefined,
  email: string | null | undefined,
  fetchImpl: typeof fetch = fetch,
): Promise<boolean> {
  if (!accessToken || !email) return false;
  const response = await fetchImpl("https://api.github.com/user/emails", {
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: "application/vnd.github+json",
      "user-agent": "stockhook",
    },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) return false;
  const emails = (await response.json()) as { email?: string; verified?: boolean }[];
  const wanted = accountKey(email);
  return (
    Array.isArray(emails) &&
    emails.some(
      (entry) => typeof entry.email === "string" && accountKey(entry.email) === wanted && entry.verified === true,
    )
  );
}

/** The provider's verified flag for the address it gave, by provider. */
export async function providerVouchesForEmail(
  provider: string,
  input: {
    profile: Record<string, unknown> | undefined;
    accessToken: string | undefined;
    email: string | null | undefined;
  },
  fetchImpl: typeof fetch = fetch,
): Promise<boolean> {
  if (provider === "google") return input.profile?.email_verified === true;
  if (provider === "github") return githubEmailVerified(input.accessToken, input.email, fetchImpl);
  return false;
}
