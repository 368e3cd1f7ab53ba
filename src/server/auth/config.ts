import type { NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { z } from "zod";
import { env } from "@/env";
import { db } from "@/server/db";
import { acceptPendingInvitations } from "@/server/tenancy/tenants";
import { verifyPassword } from "./password";

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string };
  }
}

const credentialsSchema = z.object({ email: z.email().toLowerCase(), password: z.string().min(1).max(200) });

function oauthProviders() {
  const { AUTH_GITHUB_ID, AUTH_GITHUB_SECRET, AUTH_GOOGLE_ID, AUTH_GOOGLE_SECRET } = env();
  return [
    ...(AUTH_GITHUB_ID && AUTH_GITHUB_SECRET ? [GitHub({ clientId: AUTH_GITHUB_ID, clientSecret: AUTH_GITHUB_SECRET })] : []),
    ...(AUTH_GOOGLE_ID && AUTH_GOOGLE_SECRET ? [Google({ clientId: AUTH_GOOGLE_ID, clientSecret: AUTH_GOOGLE_SECRET })] : []),
  ];
}

export function authConfig(): NextAuthConfig {
  return {
    secret: env().AUTH_SECRET,
    trustHost: true,
    session: { strategy: "jwt", maxAge: 7 * 24 * 60 * 60 },
    pages: { signIn: "/signin" },
    providers: [
      Credentials({
        credentials: { email: { type: "email" }, password: { type: "password" } },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) return null;
          const user = await db.user.findUnique({ where: { email: parsed.data.email } });
          const valid = await verifyPassword(parsed.data.password, user?.passwordHash);
          return user && valid ? { id: user.id, email: user.email, name: user.name } : null;
        },
      }),
      ...oauthProviders(),
    ],
    callbacks: {
      async signIn({ user, account }) {
        if (!account || account.provider === "credentials") return true;
        // OAuth accounts map onto our users by verified email; a new email gets a user row.
        if (!user.email) return false;
        const email = user.email.toLowerCase();
        await db.user.upsert({ where: { email }, update: {}, create: { email, name: user.name ?? email } });
        return true;
      },
      async jwt({ token, user, account }) {
        if (user && account) {
          const email = (user.email ?? "").toLowerCase();
          const record = account.provider === "credentials" ? { id: user.id! } : await db.user.findUnique({ where: { email } });
          if (record) {
            token.sub = record.id;
            if (email) await acceptPendingInvitations(db, { id: record.id, email });
          }
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
  };
}
