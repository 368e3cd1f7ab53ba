import "server-only";
import type { NextAuthConfig } from "next-auth";
import { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { z } from "zod";
import { env } from "@/env";
import { providerVouchesForEmail, resolveOAuthSignIn } from "@/server/accounts/oauth";
import { clientAddress } from "@/server/accounts/rate-limits";
import { sessionStillValid } from "@/server/accounts/sessions";
import { signInWithPassword } from "@/server/accounts/sign-in";
import { db } from "@/server/db";
import { safeCallbackPath } from "./callback-url";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string };
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    /** When this session signed in (ms since the epoch); a password reset ends older sessions. */
    signedInAt?: number;
  }
}

const credentialsSchema = z.object({ email: z.email().toLowerCase(), password: z.string().min(1).max(200) });

/** The sign-in form reads these codes; none says whether an address has an account. */
class SignInRefused extends CredentialsSignin {
  constructor(code: "invalid" | "unverified" | "rate_limited") {
    super();
    this.code = code;
  }
}

function oauthProviders() {
  const { AUTH_GITHUB_ID, AUTH_GITHUB_SECRET, AUTH_GOOGLE_ID, AUTH_GOOGLE_SECRET } = env();
  return [
    ...(AUTH_GITHUB_ID && AUTH_GITHUB_SECRET
      ? [GitHub({ clientId: AUTH_GITHUB_ID, clientSecret: AUTH_GITHUB_SECRET })]
      : []),
    ...(AUTH_GOOGLE_ID && AUTH_GOOGLE_SECRET
      ? [Google({ clientId: AUTH_GOOGLE_ID, clientSecret: AUTH_GOOGLE_SECRET })]
      : []),
  ];
}

export function authConfig(): NextAuthConfig {
  return {
    secret: env().AUTH_SECRET,
    trustHost: true,
    session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      Credentials({
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new SignInRefused("invalid");
          const result = await signInWithPassword(db, { ...parsed.data, ip: clientAddress(request.headers) });
          if (!result.ok) throw new SignInRefused(result.reason);
          return result.user;
        },
      }),
      ...oauthProviders(),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (!account || account.provider === "credentials") return true;
        const emailVerified = await providerVouchesForEmail(account.provider, {
          profile: profile as Record<string, unknown> | undefined,
          accessToken: account.access_token,
          email: user.email,
        }).catch(() => false);
        const decision = await resolveOAuthSignIn(db, { email: user.email, emailVerified, name: user.name });
        return decision.allow ? true : `/signin?error=${decision.reason}`;
      },
      async jwt({ token, user, account }) {
        if (user && account) {
          const email = (user.email ?? "").toLowerCase();
          const record =
            account.provider === "credentials"
              ? { id: user.id! }
              : await db.user.findUnique({ where: { email }, select: { id: true } });
          if (record) token.sub = record.id;
          token.signedInAt = Date.now();
          return token;
        }
        // Returning null signs the browser out: the account was reset (or deleted) after this sign-in.
        if (token.sub && !(await sessionStillValid(db, token.sub, token.signedInAt))) return null;
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
      /** After any sign-in, only a path on this site: never `//evil.example` and the like. */
      redirect({ url, baseUrl }) {
        if (url.startsWith(`${baseUrl}/`) || url === baseUrl)
          return `${baseUrl}${safeCallbackPath(url.slice(baseUrl.length) || "/")}`;
        return `${baseUrl}${safeCallbackPath(url)}`;
      },
    },
  };
}
