// Mermaid's own parser in Node. @mermaid-js/parser (the official headless package) covers only
// the Langium diagrams (pie, gitGraph, architecture...), not sequenceDiagram, so this loads the
// full mermaid package; its label sanitiser needs DOMPurify, which needs a DOM: jsdom gives one.
import { JSDOM } from 'jsdom';

type Mermaid = { parse(text: string, options?: { suppressErrors?: boolean }): Promise<{ diagramType: string } | false> };
let loaded: Promise<Mermaid> | undefined;

function load(): Promise<Mermaid> {
  loaded ??= (async () => {
    const g = globalThis as Record<string, unknown>;
    if (g.window === undefined) {
      const dom = new JSDOM('<!doctype html><html><body></body></html>');
      g.window = dom.window;
      g.document = dom.window.document;
    }
    const mod = (await import('mermaid')) as unknown as { default: Mermaid };
    return mod.default;
  })();
  return loaded;
}

/** Parse Mermaid source; resolves to the diagram type, rejects with mermaid's parse error. */
export async function parseMermaid(text: string): Promise<string> {
  const mermaid = await load();
  const result = await mermaid.parse(text);
  if (result === false) throw new Error('mermaid rejected the diagram');
  return result.diagramType;
}

/** The ```mermaid blocks of a Markdown document. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}
