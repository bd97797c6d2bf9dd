// The docker and CRI stamp prefixes are read by hand; this holds the readers equal to the regexes
// they replaced, on real prefixes and on prefixes mutated at every position.
import { describe, expect, it } from 'vitest';
import { criPrefixEnd, zonedStampEnd } from '../../src/parsers/prefixes.js';
import { rng } from '../helpers/rng.js';

const CRI_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) (stdout|stderr) ([FP]) ?/;
const DOCKER_TS_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})) /;

const SAMPLES = [
  '2026-11-22T02:33:25.764708123Z stderr F 2026-11-22 02:33:25.764708 I | etcdmain: etcd Version: 3.4.23',
  '2026-11-22T02:33:25.764708123Z stdout P {"level":"info"}',
  '2026-11-22T02:33:25.764708123Z stdout Fx',
  '2026-11-22T02:33:25Z 2026-11-22 02:33:25.764708 I | etcdmain: x',
  '2026-11-22T02:33:25.7+05:30 {"level":"warn","msg":"m"}',
  '2026-11-22T02:33:25.1234567890Z x',
  '2026-11-22T02:33:25.-08:00 x',
  '2026-11-22T02:33:25-0800 x',
  '2026-11-22T02:33:25.764708123Z',
];
const ALPHABET = ['0', '9', '-', ':', ' ', '.', 'T', 'Z', '+', 'F', 'P', 'x', 's', '', '12', '1234567890'];

describe('zoned stamp prefixes by hand equal the regexes', () => {
  it('on samples and their mutations', () => {
    const r = rng(3);
    const lines = [...SAMPLES];
    for (let i = 0; i < 30000; i++) {
      let line = SAMPLES[Math.floor(r() * SAMPLES.length)]!;
      for (let e = 1 + Math.floor(r() * 2); e > 0; e--) {
        const at = Math.floor(r() * Math.min(line.length + 1, 45));
        line = line.slice(0, at) + ALPHABET[Math.floor(r() * ALPHABET.length)]! + line.slice(at + Math.floor(r() * 2));
      }
      lines.push(line);
    }
    for (const line of lines) {
      const end = zonedStampEnd(line);
      const docker = DOCKER_TS_RE.exec(line);
      expect(end >= 0 && line.charCodeAt(end) === 0x20 ? [line.slice(0, end), end + 1] : null, line).toEqual(docker ? [docker[1], docker[0].length] : null);
      const cri = CRI_RE.exec(line);
      const criEnd = end >= 0 ? criPrefixEnd(line, end) : -1;
      expect(criEnd >= 0 ? [line.slice(0, end), criEnd] : null, line).toEqual(cri ? [cri[1], cri[0].length] : null);
    }
  });
});
