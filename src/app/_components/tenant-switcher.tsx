"use client";

import { useRouter } from "next/navigation";
import { inputClass } from "./ui";

export function TenantSwitcher({
  current,
  tenants,
}: {
  current: string;
  tenants: { slug: string; name: string; role: string }[];
}) {
  const router = useRouter();
  return (
    <label className="block">
      <span className="sr-only">Switch workspace</span>
      <select
        aria-label="Switch workspace"
        className={`${inputClass} max-w-56`}
        value={current}
        onChange={(event) => {
          if (event.target.value === "__new") router.push("/new-tenant");
          else router.push(`/t/${event.target.value}`);
        }}
      >
        {tenants.map((tenant) => (
          <option key={tenant.slug} value={tenant.slug}>
            {tenant.name}
          </option>
        ))}
        <option value="__new">+ New workspace…</option>
      </select>
    </label>
  );
}
