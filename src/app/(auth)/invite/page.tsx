import type { Metadata } from "next";
import Link from "next/link";
import { AcceptInvitationButton } from "@/app/_components/accept-invitation";
import { auth } from "@/server/auth";
import { db } from "@/server/db";
import { viewInvitation } from "@/server/tenancy/invitations";

export const metadata: Metadata = { title: "Invitation" };

const linkClass = "font-medium text-brand-600 hover:underline";

export default async function InvitationPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const { token: rawToken } = await searchParams;
  const token = typeof rawToken === "string" ? rawToken : "";
  const session = await auth();
  const invitation = await viewInvitation(db, token, session?.user?.id ?? null);
  if (!invitation) {
    return (
      <>
        <h1 className="text-xl font-semibold text-slate-900">Invitation not found</h1>
        <p className="mt-2 text-sm text-slate-600">
          This link is not valid: the invitation was accepted, revoked or sent again with a newer link. Ask the
          workspace&apos;s owner or an admin for a new one.
        </p>
      </>
    );
  }
  const here = `/invite?token=${encodeURIComponent(token)}`;
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-900">Join {invitation.tenantName}</h1>
      <p className="mt-2 text-sm text-slate-600">
        You are invited as <strong>{invitation.role.toLowerCase()}</strong>. The invitation is for{" "}
        <strong>{invitation.invitedEmail}</strong>.
      </p>
      {invitation.refusal === null ? (
        <AcceptInvitationButton token={token} />
      ) : (
        <div className="mt-6 space-y-3 text-sm">
          <p
            role={invitation.refusal === "sign_in" ? "status" : "alert"}
            className="rounded-lg bg-slate-50 px-3 py-2 text-slate-800 ring-1 ring-slate-200"
          >
            {invitation.message}
          </p>
          {invitation.refusal === "sign_in" ? (
            <p>
              <Link className={linkClass} href={`/signin?callbackUrl=${encodeURIComponent(here)}`}>
                Sign in
              </Link>
              {" or "}
              <Link className={linkClass} href={`/signup?callbackUrl=${encodeURIComponent(here)}`}>
                create an account
              </Link>
              {" with that address."}
            </p>
          ) : null}
          {invitation.refusal === "wrong_account" ? (
            <p>Sign out, then open the link again and sign in with the invited address.</p>
          ) : null}
        </div>
      )}
    </>
  );
}
