// parseCapnslog reads its lines by hand; this holds it equal to the regex it replaced, on real
// lines and on lines mutated at every position (digits, separators, callers, components).
import { describe, expect, it } from 'vitest';
import type { EventFields, Level } from '../../src/model/event.js';
import { type LineParts, parseCapnslog } from '../../src/parsers/formats.js';
import { localToInstant, parseTimeZone, type TimeZoneSpec, UTC } from '../../src/parsers/time.js';
import { rng } from '../helpers/rng.js';

// The regex version, verbatim.
const CAPNSLOG_LEVELS: Record<string, Level> = { C: 'critical', E: 'error', W: 'warn', N: 'notice', I: 'info', D: 'debug', T: 'debug' };
const CAPNSLOG_RE =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? (?:\[([^\]]{1,200})\] )?([CEWNIDT]) \| (?:([a-z][\w./-]{0,60}): )?/;
function refCapnslog(line: string, o: { tz?: TimeZoneSpec }): LineParts | null {
  const m = CAPNSLOG_RE.exec(line);
  if (!m) return null;
  const ts = localToInstant(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, m[7], o.tz ?? UTC);
  const fields: EventFields = {};
  if (m[8]) fields.caller = m[8];
  return { format: 'capnslog', ts, level: CAPNSLOG_LEVELS[m[9]!] ?? 'info', component: m[10] ?? '', msg: line.slice(m[0].length), fields };
}

const SAMPLES = [
  '2026-11-22 02:33:25.764708 W | rafthttp: health check for peer 4db25673a9ab25d5 could not connect: dial tcp 127.0.0.1:2380: connect: connection refused',
  '2026-11-22 02:33:25.764708 I | etcdserver: published {Name:m2 ClientURLs:[http://127.0.0.72:2379]} to cluster 6946a89cb21e8bbb',
  '2026-11-22 02:33:25 I | etcdmain: etcd Version: 3.4.23',
  '2026-11-22 02:33:25.7 N | embed: serving insecure client requests on 127.0.0.1:2379, this is strongly discouraged!',
  '2026-11-22 02:33:25.764708123 E | etcdserver/api/v3rpc: error',
  '2026-11-22 02:33:25.764708 D | [raft.go:970] raft: 8e9e05c52164694d became follower at term 2',
  '2026-11-22 02:33:25.764708 [etcdserver/server.go:2039] I | etcdserver: applied',
  '2026-11-22 02:33:25.764708 C | no component here',
  '2026-02-29 23:59:60.000001 T | pkg/flags: leap',
  '2024-02-29 00:00:00.000001 I | a' + 'b'.repeat(70) + ': long component',
  '2024-02-29 00:00:00.000001 I | a' + 'b'.repeat(59) + ': sixty',
  '2024-02-29 00:00:00.000001 I | a' + 'b'.repeat(60) + ': sixty one',
  '1969-12-31 23:59:59.999999 I | old: before the epoch',
  '2026-11-22 02:33:25.764708 I | ',
  '2026-11-22 02:33:25 W | Etcdserver: capital',
  '2026-11-22 02:33:25 W | etcd server: space',
  '2026-11-22 02:33:25 W | etcd:nospace',
];
const ALPHABET = ['0', '9', '5', '-', ':', ' ', '.', '[', ']', '|', 'I', 'X', 'a', 'Z', '/', '_', '\t', '', 'é', '12', '.123456789012'];

describe('parseCapnslog by hand equals the regex', () => {
  it('on samples and their mutations, in UTC and other zones', () => {
    const r = rng(1);
    const zones = [undefined, UTC, parseTimeZone('+08:00')!, parseTimeZone('Europe/Berlin')!];
    const lines = [...SAMPLES];
    for (let i = 0; i < 20000; i++) {
      const base = SAMPLES[Math.floor(r() * SAMPLES.length)]!;
      let line = base;
      const edits = 1 + Math.floor(r() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * Math.min(line.length + 1, 70));
        const del = Math.floor(r() * 2);
        line = line.slice(0, at) + ALPHABET[Math.floor(r() * ALPHABET.length)]! + line.slice(at + del);
      }
      lines.push(line);
    }
    for (const line of lines) {
      const tz = zones[Math.floor(r() * zones.length)];
      const o = tz === undefined ? {} : { tz };
      expect(parseCapnslog(line, o), line).toEqual(refCapnslog(line, o));
    }
  });
});
