import Link from "next/link";
import { redirect } from "next/navigation";
import { api } from "@/trpc/server";
import { auth } from "@/server/auth";

export default async function Home() {
  const session = await auth();
  if (session?.user?.id) {
    const caller = await api();
    const tenants = await caller.tenant.mine().catch(() => []);
    if (tenants[0]) redirect(`/t/${tenants[0].slug}`);
    // Platform staff without a workspace of their own start at the support console.
    if (
      await caller.support.current().then(
        () => true,
        () => false,
      )
    )
      redirect("/support");
    // A confirmed account without a workspace (e.g. its only one was deleted) starts one.
    redirect("/new-tenant");
  }
  return (
    <main className="mx-auto flex min-h-screen max-w-3xl flex-col justify-center px-6 py-16">
      <p className="text-sm font-semibold tracking-widest text-brand-600 uppercase">Stockhook</p>
      <h1 className="mt-3 text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">
        Sold at the gallery. Sold online. In seconds.
      </h1>
      <p className="mt-5 text-lg text-slate-600">
        Stockhook keeps stock true across SAM, Shopify, WooCommerce, BigCommerce and Business Central: signed webhooks
        apply every change within seconds, and scheduled reconciles catch anything a webhook missed.
      </p>
      <div className="mt-8 flex flex-wrap gap-3">
        <Link href="/signup" className="rounded-lg bg-brand-600 px-5 py-2.5 font-medium text-white hover:bg-brand-700">
          Create an account
        </Link>
        <Link
          href="/signin"
          className="rounded-lg border border-slate-300 bg-white px-5 py-2.5 font-medium text-slate-800 hover:bg-slate-50"
        >
          Sign in
        </Link>
      </div>
    </main>
  );
}
