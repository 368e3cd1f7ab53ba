"use client";

import { useEffect } from "react";

/** What "/" focuses: the page's search box. */
const SEARCH_BOX = 'main [role="search"] input[name="search"], main input[type="search"], main [role="search"] input';
/** What j and k step through: the rows of the page's first list of records. */
const ROWS = "main tbody tr";

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** A row's own focus stop: the row itself when it takes focus, else its first link or button. */
function focusTarget(row: HTMLElement): HTMLElement | null {
  if (row.tabIndex >= 0) return row;
  return row.querySelector<HTMLElement>("a[href], button:not([disabled])");
}

/**
 * Moves from the current row by `step`; from anywhere else, j starts at the first row and k at
 * the last. Returns the row now focused.
 */
export function stepThroughRows(rows: HTMLElement[], active: Element | null, step: 1 | -1): HTMLElement | null {
  if (rows.length === 0) return null;
  const current = rows.findIndex((row) => row === active || row.contains(active));
  const next = current === -1 ? (step === 1 ? 0 : rows.length - 1) : current + step;
  const row = rows[Math.max(0, Math.min(rows.length - 1, next))]!;
  const target = focusTarget(row);
  target?.focus();
  target?.scrollIntoView({ block: "nearest" });
  return row;
}

/**
 * Keyboard shortcuts on every workspace page: "/" focuses the search box, j and k move through
 * the rows (events, items…). Ignored while typing in a field or with a modifier held.
 */
export function KeyboardShortcuts() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return;
      if (document.querySelector("dialog[open]")) return;
      if (event.key === "/") {
        const search = document.querySelector<HTMLInputElement>(SEARCH_BOX);
        if (!search) return;
        event.preventDefault();
        search.focus();
        search.select();
      } else if (event.key === "j" || event.key === "k") {
        const rows = [...document.querySelectorAll<HTMLElement>(ROWS)].filter((row) => row.offsetParent !== null);
        if (stepThroughRows(rows, document.activeElement, event.key === "j" ? 1 : -1)) event.preventDefault();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
  return null;
}
