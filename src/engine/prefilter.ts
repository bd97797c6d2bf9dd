// Finds, on raw bytes, which lines of a chunk hold any of a set of literals, so lines that hold
// none (routine lines) can skip parsing. A Wu-Manber scan with two-byte blocks: at each window
// end the block's shift says how far no literal can start, so most bytes are never looked at.
import { MESSAGE_TEMPLATES } from '../parsers/message-facts.js';

/** Longest prefix used to index literals; shorter literals lower the shift for everyone. */
const MAX_WINDOW = 8;

export class LiteralScanner {
  /** Bytes of the window every literal is indexed by (the shortest literal's length, capped). */
  private readonly m: number;
  private readonly shift: Uint8Array;
  /** For a block with shift 0: the literals whose window ends with it. */
  private readonly buckets = new Map<number, Buffer[]>();

  constructor(literals: readonly string[]) {
    const bytes = [...new Set(literals)].filter((l) => l.length > 0).map((l) => Buffer.from(l, 'utf8'));
    if (bytes.some((b) => b.length < 2)) throw new Error('LiteralScanner: literals must be at least 2 bytes');
    this.m = Math.min(MAX_WINDOW, ...bytes.map((b) => b.length));
    const m = this.m;
    this.shift = new Uint8Array(65536).fill(m - 1);
    for (const lit of bytes) {
      for (let j = 1; j < m; j++) {
        const block = (lit[j - 1]! << 8) | lit[j]!;
        const s = m - 1 - j;
        if (s < this.shift[block]!) this.shift[block] = s;
      }
      const last = (lit[m - 2]! << 8) | lit[m - 1]!;
      let list = this.buckets.get(last);
      if (!list) this.buckets.set(last, (list = []));
      list.push(lit);
    }
  }

  /**
   * Start offsets of literal occurrences in buf[start, end), in increasing order, into `out`
   * (cleared first). At most one offset per starting position.
   */
  scan(buf: Uint8Array, start: number, end: number, out: number[]): void {
    out.length = 0;
    const m = this.m;
    const shift = this.shift;
    let i = start + m - 1;
    while (i < end) {
      const s = shift[(buf[i - 1]! << 8) | buf[i]!]!;
      if (s > 0) {
        i += s;
        continue;
      }
      const at = i - m + 1;
      const list = this.buckets.get((buf[i - 1]! << 8) | buf[i]!);
      if (list !== undefined) {
        for (let k = 0; k < list.length; k++) {
          const lit = list[k]!;
          const n = lit.length;
          if (at + n > end) continue;
          let j = 0;
          while (j < n && buf[at + j] === lit[j]) j++;
          if (j === n) {
            out.push(at);
            break;
          }
        }
      }
      i++;
    }
  }
}

/** What makes an event matter to one consumer: literals of its text, and fact names it reads. */
export interface QuietTriggers {
  /** Text whose presence makes a line matter (message words, zap keys). */
  literals: readonly string[];
  /** Fields read whatever the message: a message-fact template giving one makes its literal a trigger. */
  fields: readonly string[];
  /** zap keys whose presence matters, found as `"key":` (JSON syntax, never escaped). */
  keys?: readonly string[];
}

const groupFields = (re: RegExp): string[] => [...re.source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]!.replace(/_/g, '-'));

/**
 * The literals that make a line not quiet, as they appear in raw bytes: every consumer's own,
 * plus the literal of each message-fact template that gives a field some consumer reads (or a
 * value that is not a plain substring of the line). JSON escapes quotes, backslashes and control
 * characters, so such a literal is kept as its longest plain run (lines holding a backslash are
 * never quiet). Null when a literal is too short to scan for (a rule matching no text at all):
 * then no line is quiet.
 */
export function quietTriggers(consumers: readonly QuietTriggers[]): string[] | null {
  const read = new Set(consumers.flatMap((c) => c.fields));
  const templates = MESSAGE_TEMPLATES.filter(
    (t) =>
      t.convert !== undefined || t.constant !== undefined || t.derive !== undefined ||
      [...groupFields(t.pattern), ...(t.messageAs !== undefined ? [t.messageAs] : [])].some((f) => read.has(f)),
  ).map((t) => t.literal);
  const out = new Set<string>(consumers.flatMap((c) => (c.keys ?? []).map((k) => `"${k}":`)));
  for (const list of [...consumers.map((c) => c.literals), templates]) {
    for (const l of list) {
      const best = l.split(/["\\\u0000-\u001f]/).sort((a, b) => b.length - a.length)[0] ?? '';
      if (best.length < 2) return null;
      out.add(best);
    }
  }
  return [...out];
}
