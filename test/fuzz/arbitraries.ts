// Shared generators for the property tests: real lines from fixtures/real, mutations of them
// (flips, inserts, deletes, splices of hostile text), and a run budget so the folder stays fast.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { FIXTURES } from '../helpers/run-pipeline.js';

/** Runs per property: FUZZ_RUNS=2000 for a long local session, small by default to keep CI fast. */
export function runs(base: number): number {
  const scale = Number(process.env.FUZZ_RUNS ?? '') / 100;
  return Number.isFinite(scale) && scale > 0 ? Math.max(1, Math.round(base * scale)) : base;
}

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

let cachedLines: string[] | undefined;

/** Distinct non-empty lines of every real capture (logs and etcdctl outputs), in a stable order. */
export function realLines(): string[] {
  if (cachedLines) return cachedLines;
  const files: string[] = [];
  walk(path.join(FIXTURES, 'real'), files);
  walk(path.join(FIXTURES, 'docker'), files);
  const seen = new Set<string>();
  for (const f of files) {
    if (!/\.(log|txt|json)$/.test(f) || f.endsWith('scenario.json') || f.endsWith('.inspect.json')) continue;
    for (const l of readFileSync(f, 'utf8').split('\n')) if (l.trim() !== '' && l.length < 4000) seen.add(l);
  }
  cachedLines = [...seen];
  return cachedLines;
}

/** Lines of one real file, for whole-file mutations. */
export function realFile(rel: string): string {
  return readFileSync(path.join(FIXTURES, rel), 'utf8');
}

/** Text that tends to break parsers and escapers: shell, markup, control and look-alike characters. */
export const NASTY = [
  '$(touch CANARY)',
  '`touch CANARY`',
  "'",
  '"',
  '\\',
  ';',
  '&&',
  '${IFS}',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u001b[31m',
  '\u001b]0;title\u0007',
  '\u009b2J',
  '\u202e',
  '\u2028',
  '\ufeff',
  '\uff04',
  '\u2215',
  '\ud800',
  '<script>alert(1)</script>',
  ']]>',
  '&amp;',
  '|',
  '{',
  '}',
  '[',
  ']',
  ':',
  ',',
  ' | ',
  '{"a":',
  '"msg":',
  '99999999999999999999999',
  '-1',
  'NaN',
  '1e999',
  '__proto__',
  'constructor',
  '%s%n',
  '```',
  '-->',
  '```mermaid',
  ' ',
];

type Edit = { kind: 'flip' | 'insert' | 'delete' | 'splice' | 'truncate' | 'dup'; at: number; n: number; text: string };

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete', 'splice', 'truncate', 'dup'),
  at: fc.nat(),
  n: fc.integer({ min: 1, max: 12 }),
  text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })),
});

function applyEdit(s: string, e: Edit): string {
  const at = s.length === 0 ? 0 : e.at % (s.length + 1);
  switch (e.kind) {
    case 'flip': {
      if (s.length === 0) return e.text;
      const i = Math.min(at, s.length - 1);
      const c = s.charCodeAt(i) ^ (1 << (e.n % 8));
      return s.slice(0, i) + String.fromCharCode(c) + s.slice(i + 1);
    }
    case 'insert':
      return s.slice(0, at) + e.text + s.slice(at);
    case 'delete':
      return s.slice(0, at) + s.slice(at + e.n);
    case 'splice':
      return s.slice(0, at) + e.text + s.slice(at + e.n);
    case 'truncate':
      return s.slice(0, at);
    case 'dup':
      return s.slice(0, at) + s.slice(at, at + e.n * 4).repeat(e.n) + s.slice(at);
  }
}

/** A real line with 1-6 random edits. */
export function mutatedLine(): fc.Arbitrary<string> {
  const lines = realLines();
  return fc
    .tuple(fc.constantFrom(...lines), fc.array(editArb, { minLength: 1, maxLength: 6 }))
    .map(([line, edits]) => edits.reduce(applyEdit, line));
}

/** Any line: random strings, full unicode, mutated real lines, real lines unchanged. */
export function anyLine(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: mutatedLine() },
    { weight: 1, arbitrary: fc.constantFrom(...realLines()) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...NASTY), { maxLength: 20 }).map((a) => a.join('')) },
  );
}

/** A small log: some lines, mostly real or mutated, as one text. */
export function anyLog(maxLines = 30): fc.Arbitrary<string[]> {
  return fc.array(anyLine(), { minLength: 1, maxLength: maxLines });
}
