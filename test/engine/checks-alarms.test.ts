// The alarm checks over real etcdctl outputs: alarm list (decimal member IDs), endpoint health's
// 3.5+ "Active Alarm(s):" error, and the per-type checks rules use to name their diagnosis.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEtcdctlReader } from '../../src/parsers/etcdctl/index.js';
import { alarmsInError, CHECKS } from '../../src/rules/checks.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/real/etcdctl');
function snapshotOf(file: string) {
  const reader = createEtcdctlReader(file);
  readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .forEach((line, i) => reader.accept(line.replace(/\r$/, ''), i + 1));
  return reader.finish().snapshot;
}

describe('alarm checks', () => {
  it('reads alarm names out of endpoint errors in both forms', () => {
    expect(alarmsInError('etcdserver: mvcc: database space exceeded; memberID:1689072042285620418 alarm:NOSPACE ')).toEqual(['NOSPACE']);
    expect(alarmsInError('failed to commit proposal: Active Alarm(s): NOSPACE ')).toEqual(['NOSPACE']);
    expect(alarmsInError('failed to commit proposal: Active Alarm(s): NOSPACE CORRUPT')).toEqual(['NOSPACE', 'CORRUPT']);
    expect(alarmsInError('alarm:NONE')).toEqual([]);
    expect(alarmsInError('context deadline exceeded')).toEqual([]);
  });

  it('finds NOSPACE in a real alarm list, as hex member IDs', () => {
    const s = snapshotOf('nospace/alarm-list.txt');
    const hits = CHECKS['alarm-nospace'](s);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.facts.alarm?.[0] === 'NOSPACE')).toBe(true);
    expect(CHECKS['alarm-corrupt'](s)).toEqual([]);
  });

  it('finds NOSPACE in 3.5+ endpoint health errors', () => {
    const s = snapshotOf('from-source/v3.5-endpoint-health-alarm.txt');
    expect(CHECKS['alarm-active'](s).map((h) => h.facts.alarm)).toEqual([['NOSPACE']]);
    expect(CHECKS['alarm-nospace'](s)).toHaveLength(1);
  });

  it('separates CORRUPT from NOSPACE', () => {
    const s = snapshotOf('from-source/alarm-list-corrupt.txt');
    expect(CHECKS['alarm-corrupt'](s).map((h) => h.facts.alarm)).toEqual([['CORRUPT']]);
    expect(CHECKS['alarm-nospace'](s).map((h) => h.facts.alarm)).toEqual([['NOSPACE']]);
  });

  it('finds nothing in a healthy alarm list', () => {
    const s = snapshotOf('healthy/alarm-list.txt');
    expect(CHECKS['alarm-active'](s)).toEqual([]);
  });
});
