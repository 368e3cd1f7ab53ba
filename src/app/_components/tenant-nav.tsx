"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";

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

/**
 * The workspace's sections: a column beside the page from md up; below that, a "Menu" button
 * naming the current section opens them as a panel (with `footer`: who is signed in, sign out),
 * and choosing one closes it.
 */
export function TenantNav({ slug, footer }: { slug: string; footer?: React.ReactNode }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const base = `/t/${slug}`;
  const isActive = (href: string) => (href === base ? pathname === base : pathname.startsWith(href));
  const current = SECTIONS.find((section) => isActive(`${base}${section.href}`))?.label ?? "Menu";
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  return (
    <>
      <div className="px-4 pb-3 md:hidden">
        <button
          type="button"
          aria-expanded={open}
          aria-controls="workspace-menu"
          onClick={() => setOpen((value) => !value)}
          className="flex w-full items-center justify-between rounded-lg px-3 py-2 text-sm font-medium text-slate-800 ring-1 ring-slate-300"
        >
          <span>
            <span aria-hidden="true">☰ </span>Menu<span className="text-slate-500"> · {current}</span>
          </span>
          <span aria-hidden="true">{open ? "▴" : "▾"}</span>
        </button>
      </div>
      <div id="workspace-menu" className={open ? "block" : "hidden md:block"}>
        <nav aria-label="Workspace" className="px-2 pb-2 md:px-3">
          <ul className="flex flex-col gap-1">
            {SECTIONS.map((section) => {
              const href = `${base}${section.href}`;
              const active = isActive(href);
              return (
                <li key={section.label}>
                  <Link
                    href={href}
                    aria-current={active ? "page" : undefined}
                    onClick={() => setOpen(false)}
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
        {footer}
      </div>
    </>
  );
}
