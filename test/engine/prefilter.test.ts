// LiteralScanner against a naive oracle (every literal's indexOf over the range): random literal
// sets and texts built to be hard for a skip scan (overlapping literals, literals that are
// prefixes of others, literals at the range's edges, runs of one byte, bytes >= 0x80, ranges
// too short for the scanner's parallel walks and long enough for them), then the real trigger
// list over a real log when .tmp/bench/head.log exists.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClusterModelBuilder } from '../../src/correlate/index.js';
import { createEngine } from '../../src/engine/index.js';
import { LiteralScanner, quietTriggers } from '../../src/engine/prefilter.js';
import { NODE_STATS_TRIGGERS } from '../../src/pipeline/node-stats.js';
import { compileRules } from '../../src/rules/compile.js';
import { loadRules } from '../../src/rules/load.js';

/** Start offsets of any literal's occurrence lying wholly in buf[start, end), increasing, once each. */
function oracle(literals: readonly string[], buf: Buffer, start: number, end: number): number[] {
  const hits = new Set<number>();
  const range = buf.subarray(start, end);
  for (const l of new Set(literals)) {
    const lit = Buffer.from(l, 'utf8');
    for (let at = range.indexOf(lit); at >= 0; at = range.indexOf(lit, at + 1)) hits.add(start + at);
  }
  return [...hits].sort((a, b) => a - b);
}

function scanned(scanner: LiteralScanner, buf: Buffer, start: number, end: number): number[] {
  const out = [-1, -2, -3]; // scan must clear what is there
  scanner.scan(buf, start, end, out);
  return out;
}

// a small alphabet so literals overlap and recur; é and € give bytes >= 0x80 (2 and 3 bytes)
const ALPHABET = ['a', 'b', 'c', ' ', '"', ':', '[', 'é', '€', '\n'];
const piece = fc.array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 24 }).map((cs) => cs.join(''));
const literal = (minBytes: number, maxBytes: number) =>
  piece.filter((s) => Buffer.byteLength(s) >= minBytes && Buffer.byteLength(s) <= maxBytes);
const literalSet = fc.oneof(
  fc.array(literal(2, 40), { minLength: 1, maxLength: 12 }), // any mix
  fc.array(literal(14, 60), { minLength: 1, maxLength: 8 }), // only the wide-window pass
  fc.array(literal(2, 13), { minLength: 1, maxLength: 8 }), // only the narrow pass
  fc.array(literal(2, 3), { minLength: 1, maxLength: 4 }), // windows narrower than 4 bytes
);

/** Text made of the literals themselves (whole, cut, repeated), alphabet noise and runs of one byte. */
const textFor = (literals: readonly string[]) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...literals),
        fc.tuple(fc.constantFrom(...literals), fc.nat(), fc.nat()).map(([l, a, b]) => {
          const bytes = Buffer.from(l, 'utf8');
          return bytes.subarray(Math.min(a, b) % (bytes.length + 1), Math.max(a, b) % (bytes.length + 1)).toString('latin1');
        }),
        piece,
        fc.tuple(fc.constantFrom('a', ' ', '\xff', '\x80'), fc.integer({ min: 1, max: 300 })).map(([c, n]) => c.repeat(n)),
        fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
      ),
      { maxLength: 200 },
    )
    .map((parts) => parts.map((p) => (/[^\x00-\xff]/.test(p) ? Buffer.from(p, 'utf8').toString('latin1') : p)).join(''))
    .map((s) => Buffer.from(s, 'latin1'));

describe('LiteralScanner', () => {
  it('rejects literals shorter than 2 bytes, ignores empty ones', () => {
    expect(() => new LiteralScanner(['abc', 'x'])).toThrow(/at least 2 bytes/);
    expect(() => new LiteralScanner(['abc', ''])).not.toThrow();
    expect(scanned(new LiteralScanner(['é']), Buffer.from('xxé'), 0, 4)).toEqual([2]);
  });

  it('finds what indexOf finds, on random literal sets and texts', () => {
    fc.assert(
      fc.property(
        literalSet.chain((lits) => fc.tuple(fc.constant(lits), textFor(lits), fc.nat(), fc.nat())),
        ([lits, buf, a, b]) => {
          const scanner = new LiteralScanner(lits);
          // the whole buffer, and a random sub-range (literals cut at either edge must not count)
          expect(scanned(scanner, buf, 0, buf.length)).toEqual(oracle(lits, buf, 0, buf.length));
          const start = Math.min(a, b) % (buf.length + 1);
          const end = Math.max(a, b) % (buf.length + 1);
          expect(scanned(scanner, buf, start, end)).toEqual(oracle(lits, buf, start, end));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('finds literals overlapping each other, at the range edges and across the parallel walks', () => {
    const lits = ['abcabcabcabcab', 'bcabcabcabcabc', 'cabcab', 'abcab', 'trace[', '"term":', 'x\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9y'];
    const scanner = new LiteralScanner(lits);
    for (const n of [0, 1, 5, 13, 14, 255, 256, 300, 1000, 4096]) {
      for (const unit of ['abc', 'trace["term":', 'xéééééééy', 'a']) {
        const buf = Buffer.from(unit.repeat(Math.ceil(n / unit.length) + 1), 'utf8').subarray(0, n);
        for (const [s, e] of [[0, n], [1, n], [0, n - 1], [3, n - 2]] as const) {
          if (s > e || e < 0) continue;
          expect(scanned(scanner, buf, s, e), `${unit} x${n} [${s}, ${e})`).toEqual(oracle(lits, buf, s, e));
        }
      }
    }
  });

  it('finds one literal at every position, whichever walk is slowest', () => {
    // a slow region (bytes of the literals: small shifts) in one quarter keeps that walk busy while
    // the others finish, so every walk's end and every quarter boundary gets a literal across it
    for (const lit of ['abcdefghijklmnopq', 'abcdefg', 'ab']) {
      const scanner = new LiteralScanner([lit, 'zzzzzzzzzzzzzzzzzzzzy']);
      const n = 700;
      for (const slow of [-1, 0, 1, 2, 3]) {
        const base = Buffer.alloc(n, 'z');
        if (slow >= 0) base.fill('ba', (slow * n) >> 2, ((slow + 1) * n) >> 2);
        for (let at = 0; at + lit.length <= n; at++) {
          const buf = Buffer.from(base);
          buf.write(lit, at, 'latin1');
          expect(scanned(scanner, buf, 0, n), `${lit} at ${at}, slow quarter ${slow}`).toEqual(oracle([lit, 'zzzzzzzzzzzzzzzzzzzzy'], buf, 0, n));
        }
      }
    }
  });

  it('finds the real triggers in a real log as indexOf does', async () => {
    const file = path.resolve('.tmp/bench/head.log');
    if (!existsSync(file)) {
      console.log(`skipped: ${file} does not exist (scripts/bench/generate.mjs writes it)`);
      return;
    }
    const rules = compileRules((await loadRules()).map((r) => r.rule));
    const lits = quietTriggers([
      createEngine(rules, {}).quietTriggers(),
      new ClusterModelBuilder().quietTriggers(),
      NODE_STATS_TRIGGERS,
      { literals: ['clientv3/', 'retry_interceptor.go'], fields: [] },
    ]);
    expect(lits).not.toBeNull();
    const scanner = new LiteralScanner(lits!);
    const buf = readFileSync(file);
    // chunks of 256 KiB ending at a newline, as the reader hands them
    let total = 0;
    for (let at = 0; at < buf.length; ) {
      let end = Math.min(buf.length, at + (1 << 18));
      if (end < buf.length) end = buf.lastIndexOf(0x0a, end - 1) + 1 || end;
      const got = scanned(scanner, buf, at, end);
      expect(got).toEqual(oracle(lits!, buf, at, end));
      total += got.length;
      at = end;
    }
    expect(total).toBeGreaterThan(0);
  });
});
