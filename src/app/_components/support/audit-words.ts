/** How the audit trail writes an entry for people: words, not JSON, and no internal ids. */

// Stockhook's own row ids (cuid): meaningless to a reader, so left out of the sentence.
const INTERNAL_ID = /^c[a-z0-9]{20,30}$/;

export function isInternalId(value: string): boolean {
  return INTERNAL_ID.test(value);
}

/** "event.replay" → "Event replay"; "member.role_changed" → "Member role changed". */
export function auditActionWords(action: string): string {
  const words = action
    .replaceAll(/[._]/g, " ")
    .replaceAll(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function keyWords(key: string): string {
  return key
    .replaceAll(/([a-z])([A-Z])/g, "$1 $2")
    .replaceAll("_", " ")
    .toLowerCase();
}

function valueWords(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "string") return isInternalId(value) ? null : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    if (!value.length) return "0";
    const shown = value.map(valueWords).filter((word): word is string => word !== null);
    // A list of ids reads as how many there were.
    return shown.length === value.length && shown.length <= 5 ? shown.join(", ") : String(value.length);
  }
  if (typeof value === "object") return auditSummaryWords(value) || null;
  return null;
}

/** `{ replayed: [ids…], refused: 0, role: "ADMIN" }` → "replayed: 2 · refused: 0 · role: ADMIN". */
export function auditSummaryWords(summary: unknown): string {
  if (summary === null || summary === undefined) return "";
  if (typeof summary !== "object" || Array.isArray(summary)) return valueWords(summary) ?? "";
  return Object.entries(summary as Record<string, unknown>)
    .flatMap(([key, value]) => {
      const words = valueWords(value);
      return words === null ? [] : [`${keyWords(key)}: ${words}`];
    })
    .join(" · ");
}
