// Property tests of the parsers: nothing throws on arbitrary or mutated text, results keep their
// shape, and lines built from random valid parts parse back to those parts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVELS, type LogEvent, type RawLine } from '../../src/model/event.js';
import { createEtcdctlReader } from '../../src/parsers/etcdctl/index.js';
import { parseFormats } from '../../src/parsers/formats.js';
import { LineParser, parseLogLine } from '../../src/parsers/line-parser.js';
import { extractMessageFacts } from '../../src/parsers/message-facts.js';
import { unwrapLine } from '../../src/parsers/prefixes.js';
import { anyLine, anyLog, mutatedLine, realLines, runs } from './arbitraries.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const LEVEL_SET = new Set<string>(LEVELS);

describe('no parser throws', () => {
  it('parseFormats: null or a well-formed LineParts', () => {
    fc.assert(
      fc.property(anyLine(), (line) => {
        const p = parseFormats(line);
        if (p === null) return;
        expect(LEVEL_SET.has(p.level)).toBe(true);
        expect(typeof p.msg).toBe('string');
        expect(typeof p.component).toBe('string');
        if (p.ts !== null) expect(p.ts).toMatch(ISO);
        expect(typeof p.fields).toBe('object');
      }),
      { numRuns: runs(1500) },
    );
  });

  it('unwrapLine: what is left is the end of the line (ANSI aside)', () => {
    fc.assert(
      fc.property(anyLine(), (line) => {
        const u = unwrapLine(line);
        if (!line.includes('\u001b')) expect(line.endsWith(u.text)).toBe(true);
        if (u.transportTs !== undefined) expect(u.transportTs).toMatch(ISO);
      }),
      { numRuns: runs(1500) },
    );
  });

  it('LineParser over a sequence of lines: events, unparsed or continuations, never a throw', () => {
    fc.assert(
      fc.property(anyLog(40), fc.option(fc.constantFrom('etcd1', 'x$(y)', ''), { nil: undefined }), (lines, node) => {
        const parser = new LineParser({ maxContinuation: 3 });
        lines.forEach((text, i) => {
          const raw: RawLine = { source: 's', lineNo: i + 1, text, ...(node !== undefined ? { node, nodeOrigin: 'filename' as const } : {}) };
          const out = parser.parse(raw);
          expect(['event', 'unparsed', 'continuation']).toContain(out.kind);
          if (out.kind === 'event') {
            expect(LEVEL_SET.has(out.level)).toBe(true);
            expect((out.continuation ?? []).length).toBeLessThanOrEqual(3);
            for (const v of Object.values(out.fields)) expect(v).not.toBeUndefined();
          }
        });
      }),
      { numRuns: runs(300) },
    );
  });

  it('parseLogLine on one line', () => {
    fc.assert(
      fc.property(anyLine(), (line) => {
        const out = parseLogLine(line);
        expect(['event', 'unparsed']).toContain(out.kind);
      }),
      { numRuns: runs(1500) },
    );
  });

  it('extractMessageFacts: string facts only, and fast even on long repetitive text', () => {
    fc.assert(
      fc.property(anyLine(), fc.constantFrom('', 'rafthttp', 'etcdserver', 'raft', 'embed', 'etcdmain'), fc.integer({ min: 0, max: 400 }), (msg, component, rep) => {
        // Repeating a real message's middle is how polynomial regex blow-ups show.
        const long = rep > 0 ? msg.slice(0, 40) + msg.slice(40, 80).repeat(rep) + msg.slice(80) : msg;
        const t0 = performance.now();
        const facts = extractMessageFacts(long, component);
        const ms = performance.now() - t0;
        expect(ms).toBeLessThan(250);
        for (const v of Object.values(facts)) expect(typeof v).toBe('string');
      }),
      { numRuns: runs(600) },
    );
  });

  it('the etcdctl reader accepts any sequence of lines and finishes', () => {
    fc.assert(
      fc.property(anyLog(40), (lines) => {
        const reader = createEtcdctlReader('s');
        lines.forEach((l, i) => reader.accept(l, i + 1));
        const r = reader.finish();
        for (const m of r.snapshot.members) expect(m.id).toMatch(/^[0-9a-f]{1,16}$/);
        expect(r.warnings.length).toBeLessThanOrEqual(201);
      }),
      { numRuns: runs(400) },
    );
  });

  it('the etcdctl reader on a mutated real etcdctl document, line by line', () => {
    const docs = realLines().filter((l) => l.startsWith('{"header"') || l.startsWith('[{"'));
    expect(docs.length).toBeGreaterThan(3);
    fc.assert(
      fc.property(fc.constantFrom(...docs), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 4 }), (doc, edits) => {
        let s = doc;
        for (const [at, text] of edits) {
          const i = at % (s.length + 1);
          s = s.slice(0, i) + text + s.slice(i + 1);
        }
        const reader = createEtcdctlReader('s');
        // Pretty-printed and one-line forms both.
        s.split(/(?<=[,{[])/).forEach((l, i) => reader.accept(l, i + 1));
        reader.finish();
        const one = createEtcdctlReader('s');
        one.accept(s, 1);
        one.finish();
      }),
      { numRuns: runs(500) },
    );
  });
});

// ---- round trips ----

const wordArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const levelWords = ['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal'] as const;
const zapLevel: Record<(typeof levelWords)[number], string> = { debug: 'debug', info: 'info', warn: 'warn', error: 'error', dpanic: 'panic', panic: 'panic', fatal: 'fatal' };

/** A calendar instant between 1971 and 2099, with microseconds. */
const instantArb = fc
  .record({
    ms: fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 11, 31) }),
    us: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ ms, us }) => {
    const d = new Date(ms);
    const iso = d.toISOString(); // 2026-11-22T02:33:25.764Z
    return { iso, expected: iso.replace('Z', `${String(us).padStart(3, '0')}Z`), us };
  });

describe('round trips', () => {
  it('a zap JSON line from random valid fields gives back its level, msg, ts and fields', () => {
    const fieldKey = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).filter((k) => !['level', 'ts', 'caller', 'msg', 'logger', 'stacktrace'].includes(k));
    const fieldVal = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }));
    fc.assert(
      fc.property(
        fc.constantFrom(...levelWords),
        instantArb,
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.tuple(wordArb, wordArb).map(([a, b]) => `${a}/${b}.go:${a.length * 7}`),
        fc.dictionary(fieldKey, fieldVal, { maxKeys: 5 }),
        (level, t, msg, caller, fields) => {
          const line = JSON.stringify({ level, ts: t.iso.replace(/\.(\d{3})Z$/, `.$1${String(t.us).padStart(3, '0')}Z`), caller, msg, ...fields });
          const p = parseFormats(line);
          expect(p).not.toBeNull();
          expect(p!.format).toBe('zap-json');
          expect(p!.level).toBe(zapLevel[level]);
          expect(p!.msg).toBe(msg);
          expect(p!.ts).toBe(t.expected);
          expect(p!.component).toBe(caller.slice(0, caller.indexOf('/')));
          expect(p!.fields).toEqual({ ...fields, caller });
        },
      ),
      { numRuns: runs(500) },
    );
  });

  it('a capnslog line from random valid parts gives back ts, level, component and msg', () => {
    const letters = { C: 'critical', E: 'error', W: 'warn', N: 'notice', I: 'info', D: 'debug' } as const;
    fc.assert(
      fc.property(
        instantArb,
        fc.constantFrom(...(Object.keys(letters) as (keyof typeof letters)[])),
        fc.stringMatching(/^[a-z][a-z0-9_./-]{0,20}$/),
        // A message never starts with "word: " (that would read as a component) and has no newline.
        fc.string({ unit: 'grapheme', maxLength: 80 }).filter((m) => !/^[a-z][\w./-]{0,60}: /.test(m) && !/[\n\r]/.test(m)),
        (t, letter, component, msg) => {
          const [date, time] = t.iso.slice(0, -1).split('T');
          const line = `${date} ${time}${String(t.us).padStart(3, '0')} ${letter} | ${component}: ${msg}`;
          const p = parseFormats(line);
          expect(p).not.toBeNull();
          expect(p!.format).toBe('capnslog');
          expect(p!.ts).toBe(t.expected);
          expect(p!.level).toBe(letters[letter]);
          expect(p!.component).toBe(component);
          expect(p!.msg).toBe(msg);
        },
      ),
      { numRuns: runs(500) },
    );
  });

  it('a compose, kubectl or docker-timestamp prefix on a real line gives the same event, with the node set', () => {
    const etcdLines = realLines().filter((l) => {
      const e = parseLogLine(l);
      return e.kind === 'event' && unwrapLine(l).prefixes.length === 0;
    });
    expect(etcdLines.length).toBeGreaterThan(100);
    const compose = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,30}$/).filter((n) => !/^\d+$/.test(n) && !['panic', 'goroutine', 'error', 'warning', 'info'].includes(n.toLowerCase()));
    const pod = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,30}$/);
    const container = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(...etcdLines),
        fc.oneof(
          compose.map((n) => ({ prefix: `${n}  | `, node: n as string | null, origin: 'compose' })),
          fc.tuple(pod, container).map(([pod, c]) => ({ prefix: `[pod/${pod}/${c}] `, node: pod as string | null, origin: 'kubectl' })),
          instantArb.map((t) => ({ prefix: `${t.iso} `, node: null as string | null, origin: 'docker' })),
        ),
        (line, { prefix, node, origin }) => {
          const bare = parseLogLine(line, { node: 'x' }) as LogEvent;
          const wrapped = new LineParser().parse({ source: 'line', lineNo: 1, text: prefix + line, node: 'file-node', nodeOrigin: 'filename' });
          expect(wrapped.kind).toBe('event');
          const e = wrapped as LogEvent;
          expect([e.msg, e.level, e.component, e.format, e.fields]).toEqual([bare.msg, bare.level, bare.component, bare.format, bare.fields]);
          if (bare.ts !== null && origin !== 'docker') expect(e.ts).toBe(bare.ts);
          expect(e.node).toBe(node ?? 'file-node');
          if (node !== null) expect(e.nodeOrigin).toBe(origin);
        },
      ),
      { numRuns: runs(600) },
    );
  });

  it('etcdctl member list JSON with random uint64 IDs (decimal digits) gives back the exact hex', () => {
    const u64 = fc.bigInt({ min: 1n, max: (1n << 64n) - 1n });
    fc.assert(
      fc.property(fc.uniqueArray(u64, { minLength: 1, maxLength: 7 }), u64, fc.boolean(), (ids, clusterId, pretty) => {
        const members = ids.map((id, i) => `{"ID":${id},"name":"etcd${i}","peerURLs":["http://10.0.0.${i}:2380"],"clientURLs":["http://10.0.0.${i}:2379"]}`);
        const doc = `{"header":{"cluster_id":${clusterId},"member_id":${ids[0]},"raft_term":2},"members":[${members.join(',')}]}`;
        const reader = createEtcdctlReader('s');
        const lines = pretty ? doc.split(/(?<=,)/) : [doc];
        lines.forEach((l, i) => reader.accept(l, i + 1));
        const r = reader.finish();
        expect(r.kinds).toContain('member-list');
        expect(r.snapshot.members.map((m) => m.id).sort()).toEqual(ids.map((i) => i.toString(16)).sort());
        expect(r.snapshot.clusterId).toBe(clusterId.toString(16));
      }),
      { numRuns: runs(400) },
    );
  });
});

describe('mutations of real lines specifically', () => {
  it('a mutated line never yields a member ID that is not hex', () => {
    fc.assert(
      fc.property(mutatedLine(), (line) => {
        const e = parseLogLine(line);
        if (e.kind !== 'event') return;
        for (const k of ['local-member-id', 'remote-peer-id', 'member-id']) {
          const v = e.fields[k];
          if (typeof v === 'string' && v !== '' && !line.includes(v)) expect(v).toMatch(/^[0-9a-f]+$/);
        }
      }),
      { numRuns: runs(800) },
    );
  });
});
