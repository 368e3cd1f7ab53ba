/**
 * Shortens text for storage or display without cutting a sentence in half: it ends at the last
 * full sentence that fits, else at the last whole word, with "…" marking what was left out.
 */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, Math.max(0, max - 1));
  const sentenceEnd = Math.max(room.lastIndexOf(". "), room.lastIndexOf("; "), room.lastIndexOf(": "));
  if (sentenceEnd >= max * 0.5) return `${room.slice(0, sentenceEnd + 1)} …`;
  const wordEnd = room.lastIndexOf(" ");
  return `${(wordEnd >= max * 0.6 ? room.slice(0, wordEnd) : room).trimEnd()}…`;
}
