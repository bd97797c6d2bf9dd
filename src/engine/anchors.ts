// Finds which of a set of literals occur in a text with one regex scan: an alternation of all
// literals, longest first, restarted one character after each hit so every start is tried. A literal that another
// found literal contains is found with it, so overlapping and nested literals are never missed.
// etcd repeats its messages, so the hits of recent texts are remembered.
import { TextMemo } from '../parsers/text-memo.js';

/** Texts longer than this are scanned every time. */
const MEMO_MAX_TEXT = 1024;
const NO_HITS: readonly number[] = Object.freeze([]);

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

export class AnchorSet {
  readonly literals: readonly string[];
  private readonly scan: RegExp | null;
  private readonly index = new Map<string, number>();
  /** For each literal, the other literals it contains. */
  private readonly contained: number[][];
  private readonly seen: Float64Array;
  private pass = 0;
  /** The hits of the last call to find, reused between calls. */
  private readonly out: number[] = [];
  private readonly memo = new TextMemo<readonly number[]>(13, MEMO_MAX_TEXT);

  constructor(literals: readonly string[]) {
    this.literals = literals;
    literals.forEach((l, i) => this.index.set(l, i));
    const longestFirst = [...literals].sort((a, b) => b.length - a.length);
    // a plain alternation (no lookahead) keeps V8's fast literal search; restarting one character
    // after each hit still visits every position where a literal starts
    this.scan = literals.length > 0 ? new RegExp(longestFirst.map(escapeRegex).join('|'), 'g') : null;
    this.contained = literals.map((l, i) => literals.flatMap((other, j) => (j !== i && l.includes(other) ? [j] : [])));
    this.seen = new Float64Array(literals.length);
  }

  /** Indexes of the literals occurring in `text` (a shared array, valid until the next call). */
  find(text: string): readonly number[] {
    const memo = this.memo;
    const known = memo.get(text);
    if (known !== undefined) return known;
    const out = this.scanText(text);
    if (memo.admits()) memo.set(text, out.length === 0 ? NO_HITS : Object.freeze(out.slice()));
    return out;
  }

  private scanText(text: string): readonly number[] {
    const out = this.out;
    out.length = 0;
    const scan = this.scan;
    if (scan === null) return out;
    const pass = ++this.pass;
    scan.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = scan.exec(text)) !== null) {
      const i = this.index.get(m[0])!;
      if (this.seen[i] !== pass) {
        this.seen[i] = pass;
        out.push(i);
        const inner = this.contained[i]!;
        for (let k = 0; k < inner.length; k++) {
          const j = inner[k]!;
          if (this.seen[j] !== pass) {
            this.seen[j] = pass;
            out.push(j);
          }
        }
      }
      scan.lastIndex = m.index + 1;
    }
    return out;
  }
}
