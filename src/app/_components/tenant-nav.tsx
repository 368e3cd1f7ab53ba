"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const SECTIONS = [
  { href: "", label: "Overview" },
  { href: "/connections", label: "Connections" },
  { href: "/items", label: "Items" },
  { href: "/events", label: "Events" },
  { href: "/queue", label: "Queue" },
  { href: "/sync-runs", label: "Sync runs" },
  { href: "/webhooks", label: "Webhooks" },
  { href: "/settings", label: "Settings" },
];

export function TenantNav({ slug }: { slug: string }) {
  const pathname = usePathname();
  const base = `/t/${slug}`;
  return (
    <nav aria-label="Workspace" className="overflow-x-auto px-2 pb-2 lg:px-3">
      <ul className="flex gap-1 lg:flex-col">
        {SECTIONS.map((section) => {
          const href = `${base}${section.href}`;
          const active = section.href === "" ? pathname === base : pathname.startsWith(href);
          return (
            <li key={section.label}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={`block rounded-lg px-3 py-2 text-sm font-medium whitespace-nowrap ${
                  active ? "bg-brand-50 text-brand-700" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                }`}
              >
                {section.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
