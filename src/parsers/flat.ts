// Copies of strings for memo tables: a slice of a line (a message, a regex group, a column)
// keeps the whole line alive, so what a bounded memo keeps must be a string of its own.

/**
 * A string equal to `text` that holds on to no other. A property name is internalized, and V8
 * keeps internalized strings flat and on their own; short strings are never slices.
 */
export function flatCopy(text: string): string {
  if (text.length < 13) return text;
  const o: Record<string, number> = Object.create(null) as Record<string, number>;
  o[text] = 1;
  for (const k in o) return k;
  return text;
}
