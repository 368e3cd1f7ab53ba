import Link from "next/link";
import { ImpersonationBanner } from "@/app/_components/support/impersonation-banner";
import { KeyboardShortcuts } from "@/app/_components/keyboard-shortcuts";
import { SkipLink } from "@/app/_components/skip-link";
import { TenantNav } from "@/app/_components/tenant-nav";
import { TenantSwitcher } from "@/app/_components/tenant-switcher";
import { signOut } from "@/server/auth";
import { requireTenant } from "@/trpc/server";

export default async function TenantLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { slug } = await params;
  const { caller, tenant, user } = await requireTenant(slug);
  const { impersonation } = tenant;
  const [mine, isStaff] = await Promise.all([
    caller.tenant.mine(),
    caller.support.current().then(
      () => true,
      () => false,
    ),
  ]);
  const tenants = impersonation ? [{ slug: tenant.slug, name: tenant.name, role: tenant.role }, ...mine] : mine;

  async function signOutAction() {
    "use server";
    await signOut({ redirectTo: "/signin" });
  }

  return (
    <>
      <SkipLink />
      {impersonation ? (
        <ImpersonationBanner
          tenantName={tenant.name}
          reason={impersonation.reason}
          expiresAt={impersonation.expiresAt}
          writeAccess={impersonation.writeAccess}
        />
      ) : null}
      <div className="min-h-screen md:grid md:grid-cols-[14rem_1fr] lg:grid-cols-[16rem_1fr]">
        <aside className="border-b border-slate-200 bg-white md:min-h-screen md:border-r md:border-b-0">
          <div className="flex items-center justify-between gap-3 px-4 py-4 md:block">
            <Link href={`/t/${tenant.slug}`} className="text-lg font-bold tracking-tight text-slate-900">
              Stock<span className="text-brand-600">hook</span>
            </Link>
            <div className="min-w-0 md:mt-4">
              <TenantSwitcher current={tenant.slug} tenants={tenants} />
            </div>
          </div>
          <TenantNav
            slug={tenant.slug}
            footer={
              <>
                <div className="border-t border-slate-200 px-4 py-4 text-sm">
                  <p className="truncate font-medium text-slate-800">{user.name}</p>
                  <p className="truncate text-slate-500">{user.email}</p>
                  <p className="mt-1 text-xs text-slate-500">
                    {impersonation
                      ? `Support session (${impersonation.writeAccess ? "write access" : "read-only"})`
                      : `Role: ${tenant.role.toLowerCase()}`}
                  </p>
                </div>
                {isStaff ? (
                  <Link
                    href="/support"
                    className="block px-4 pb-2 text-sm font-medium text-slate-600 hover:text-slate-900"
                  >
                    Support console
                  </Link>
                ) : null}
                <form action={signOutAction} className="px-4 pb-4">
                  <button type="submit" className="text-sm font-medium text-slate-600 hover:text-slate-900">
                    Sign out
                  </button>
                </form>
              </>
            }
          />
        </aside>
        <main id="main" tabIndex={-1} className="min-w-0 px-4 py-6 focus:outline-none sm:px-8 sm:py-8">
          <KeyboardShortcuts />
          {children}
        </main>
      </div>
    </>
  );
}
