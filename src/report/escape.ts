// Escaping for text that came from logs (untrusted) on its way into a terminal, Markdown, HTML,
// Mermaid or XML: each output has its own ways to be broken or abused.

// CSI (colours, cursor moves), OSC (titles, hyperlinks; ended by BEL or ST), and lone ESC pairs.
const ESCAPE_SEQUENCE_RE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;
// C0 and C1 controls, DEL, line/paragraph separators and bidi overrides (Trojan Source).
const CONTROL_RE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One line of log text made safe for a terminal: escape sequences dropped, controls shown as '?'. */
export function terminalSafe(s: string): string {
  return s.replace(ESCAPE_SEQUENCE_RE, '').replace(/\t/g, ' ').replace(CONTROL_RE, '?');
}

/** Shorten to max characters with an ellipsis. */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** HTML text and attribute escaping (Markdown passes inline HTML through). */
export function htmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Log text inside a Markdown paragraph or table cell: HTML-escaped, and the characters that open
 * links, images, emphasis, code spans, strikethrough or table columns backslash-escaped, as are a
 * leading list, heading or quote marker, so a log line cannot change the document's structure.
 */
export function markdownInline(s: string): string {
  const escaped = terminalSafe(s)
    .replace(/[\\`*_[\]|~#]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+=])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
  // Only &, < and > matter in Markdown text; quotes stay readable in the source.
  return escaped.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A fence longer than any run of backticks in the text, so the text cannot close it. */
export function codeFence(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * Text for a Mermaid participant alias. Mermaid reads `;` and newlines as statement ends, `#…;`
 * as entities, `%%` as comments, `<…>` as HTML, and `:`, `,` and `-`/`>` runs as syntax in
 * aliases, so everything but letters, digits and `. _ / @ =` and spaces becomes a numeric entity
 * (`#58;` for ':'), which Mermaid turns back into the character when it draws.
 */
export function mermaidAlias(s: string): string {
  return terminalSafe(s).replace(/[^A-Za-z0-9 ._/@=]/g, (c) => `#${c.codePointAt(0)};`);
}

/**
 * Text for a Mermaid note or message: everything after the first ':' up to a newline, ';' or
 * '#' is the label, so those (and %, <, >, &, quotes and backticks, which Mermaid or the HTML it
 * draws would read) become numeric entities; plain punctuation stays readable in the source.
 */
export function mermaidText(s: string): string {
  return terminalSafe(s).replace(/[^A-Za-z0-9 .,:/=@+\-()[\]_'*!?]/g, (c) => `#${c.codePointAt(0)};`);
}

// XML 1.0 allows #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const XML_FORBIDDEN_RE = /[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Text for XML content and attributes: the five entities escaped, forbidden characters dropped. */
export function xmlEscape(s: string): string {
  return s
    .replace(XML_FORBIDDEN_RE, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
