// Which literals make a log line matter to the pipeline's consumers (quietTriggers), and the
// scanner that finds them on raw bytes (literal-scanner.ts, kept apart so the planning worker
// loads it without the message-fact templates).
import { MESSAGE_TEMPLATES } from '../parsers/message-facts.js';

export { LiteralScanner } from './literal-scanner.js';

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
