// Tests for `etcdctl alarm list`: the real NOSPACE capture and a CORRUPT alarm built from etcd's source.
import { describe, expect, it } from 'vitest';
import { parseAlarmLine } from '../../../src/parsers/etcdctl/alarm-list.js';
import { readFixture, readLines } from './helpers.js';

describe('alarm list', () => {
  it('reads the doc-comment sample line: decimal member ID to hex', () => {
    expect(parseAlarmLine('memberID:1689072042285620418 alarm:NOSPACE ')).toEqual({
      kind: 'alarm-list',
      records: [{ type: 'alarm', alarm: { memberId: '1770ca12c87a5cc2', alarm: 'NOSPACE' } }],
      problems: [],
    });
  });

  it('reads nospace/alarm-list.txt and .json alike', () => {
    for (const file of ['nospace/alarm-list.txt', 'nospace/alarm-list.json']) {
      const { result, rejected } = readFixture(file);
      expect(rejected).toEqual([]);
      expect(result.kinds).toEqual(['alarm-list']);
      expect(result.snapshot.alarms).toEqual([{ memberId: '1770ca12c87a5cc2', alarm: 'NOSPACE', source: file }]);
    }
  });

  it('reads CORRUPT, and a member ID above 2^63', () => {
    for (const file of ['from-source/alarm-list-corrupt.txt', 'from-source/alarm-list-corrupt.json']) {
      const { result, rejected } = readFixture(file);
      expect(rejected).toEqual([]);
      expect(result.snapshot.alarms.map((a) => [a.memberId, a.alarm])).toEqual([
        ['1770ca12c87a5cc2', 'CORRUPT'],
        ['a44fc5e30e9dfcba', 'NOSPACE'],
      ]);
    }
  });

  it('an empty alarm list prints nothing (simple) or {} (json), which counts only after its command line', () => {
    expect(readFixture('healthy/alarm-list.txt').result.kinds).toEqual([]);
    expect(readFixture('healthy/alarm-list.json').rejected).toEqual(['{}']);
    const withCommand = readLines('session.txt', ['$ etcdctl --endpoints=http://127.0.0.1:40111 alarm list -w json', '{}']);
    expect(withCommand.rejected).toEqual(['$ etcdctl --endpoints=http://127.0.0.1:40111 alarm list -w json']);
    expect(withCommand.result.kinds).toEqual(['alarm-list']);
    expect(withCommand.result.snapshot.alarms).toEqual([]);
  });

  it('deduplicates an alarm listed twice', () => {
    const line = 'memberID:1689072042285620418 alarm:NOSPACE ';
    expect(readLines('a.txt', [line, line]).result.snapshot.alarms).toHaveLength(1);
  });
});
