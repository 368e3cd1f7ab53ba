import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { NewTenantForm } from "@/app/_components/new-tenant-form";
import { auth } from "@/server/auth";

export const metadata: Metadata = { title: "New workspace" };

export default async function NewTenantPage() {
  const session = await auth();
  if (!session?.user?.id) redirect("/signin?callbackUrl=/new-tenant");
  return (
    <main className="mx-auto max-w-md px-4 py-16">
      <h1 className="text-xl font-semibold text-slate-900">Add a workspace</h1>
      <p className="mt-1 text-sm text-slate-600">
        Another gallery, store or site, with its own connections and members. You will be its owner.
      </p>
      <NewTenantForm />
    </main>
  );
}
