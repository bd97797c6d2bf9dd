// Checks shared by the fuzz tests: what a Markdown viewer would make of a report.
import { marked, type Token, type Tokens } from 'marked';

/** Every token of a marked token tree: block tokens, their inline tokens, list items, table cells. */
function walkTokens(tokens: readonly Token[], visit: (t: Token) => void): void {
  for (const t of tokens) {
    visit(t);
    const any = t as { tokens?: Token[]; items?: Token[]; header?: { tokens: Token[] }[]; rows?: { tokens: Token[] }[][] };
    if (any.tokens) walkTokens(any.tokens, visit);
    if (any.items) walkTokens(any.items, visit);
    for (const c of any.header ?? []) walkTokens(c.tokens, visit);
    for (const r of any.rows ?? []) for (const c of r) walkTokens(c.tokens, visit);
  }
}

/**
 * What in `md` is not plain text, code or the report's own structure: raw HTML other than the
 * report's <details>/<summary>/<br>, images, and links with a script scheme. Empty when safe.
 */
export function markdownProblems(md: string): string[] {
  const out: string[] = [];
  walkTokens(marked.lexer(md), (t) => {
    if (t.type === 'html' && /<[A-Za-z!?/]/.test(t.raw.replace(/<\/?(details|summary|br)>/g, ''))) out.push(`raw HTML: ${t.raw}`);
    if (t.type === 'image') out.push(`image: ${t.raw}`);
    if (t.type === 'link' && /^\s*(javascript|data|vbscript):/i.test((t as Tokens.Link).href)) out.push(`link: ${t.raw}`);
  });
  return out;
}
