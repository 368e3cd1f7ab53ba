import type { Metadata } from "next";
import Link from "next/link";
import { signOut } from "@/server/auth";
import { requireStaff } from "@/trpc/server";

export const metadata: Metadata = { title: { template: "%s · Support · Stockhook", default: "Support · Stockhook" } };

export default async function SupportLayout({ children }: { children: React.ReactNode }) {
  const { user } = await requireStaff();

  async function signOutAction() {
    "use server";
    await signOut({ redirectTo: "/signin" });
  }

  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-3 sm:px-8">
          <Link href="/support" className="text-lg font-bold tracking-tight text-slate-900">
            Stock<span className="text-brand-600">hook</span>{" "}
            <span className="text-sm font-medium text-slate-500">support</span>
          </Link>
          <nav aria-label="Support" className="flex gap-1 text-sm font-medium">
            <Link href="/support" className="rounded-lg px-3 py-1.5 text-slate-600 hover:bg-slate-100">
              Workspaces
            </Link>
            {user.platformRole === "ADMIN" ? (
              <Link href="/support/audit" className="rounded-lg px-3 py-1.5 text-slate-600 hover:bg-slate-100">
                Audit trail
              </Link>
            ) : null}
          </nav>
          <p className="ml-auto text-sm text-slate-600">
            {user.email} · {user.platformRole.toLowerCase()}
          </p>
          <form action={signOutAction}>
            <button type="submit" className="text-sm font-medium text-slate-600 hover:text-slate-900">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6 sm:px-8 sm:py-8">{children}</main>
    </div>
  );
}
