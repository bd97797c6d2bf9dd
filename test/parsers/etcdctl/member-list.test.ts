// Tests for `etcdctl member list` in every form, on real captures and source-built 3.3/3.5/3.6 fixtures.
import { describe, expect, it } from 'vitest';
import { MemberSchema } from '../../../src/model/index.js';
import { parseMemberListLine } from '../../../src/parsers/etcdctl/member-list.js';
import { readFixture, readLines } from './helpers.js';

const ETCD1 = {
  id: '1770ca12c87a5cc2',
  name: 'etcd1',
  peerURLs: ['http://127.0.0.1:40121'],
  clientURLs: ['http://127.0.0.1:40111', 'http://127.0.0.1:40141'],
  started: true,
  isLearner: false,
};
const UNSTARTED = {
  id: 'd7d1d82b038dc094',
  name: '',
  peerURLs: ['http://127.0.0.1:40124'],
  clientURLs: [],
  started: false,
  isLearner: false,
};
const LEARNER = {
  id: 'f23762f6d26f81b9',
  name: 'etcd5',
  peerURLs: ['http://127.0.0.1:40125'],
  clientURLs: ['http://127.0.0.1:40115'],
  started: true,
  isLearner: true,
};

describe('member list', () => {
  it('reads the doc-comment sample lines', () => {
    expect(
      parseMemberListLine('1770ca12c87a5cc2, started, etcd1, http://127.0.0.1:40121, http://127.0.0.1:40111,http://127.0.0.1:40141, false'),
    ).toEqual({ kind: 'member-list', records: [{ type: 'member', member: ETCD1 }], problems: [] });
    expect(parseMemberListLine('d7d1d82b038dc094, unstarted, , http://127.0.0.1:40124, , false')?.records).toEqual([
      { type: 'member', member: UNSTARTED },
    ]);
  });

  for (const file of ['member-list.txt', 'member-list.table.txt', 'member-list.json']) {
    it(`reads learner-unstarted/${file}: started, unstarted, learner, two client URLs`, () => {
      const { result, rejected } = readFixture(`learner-unstarted/${file}`);
      expect(rejected).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.kinds).toEqual(['member-list']);
      const members = result.snapshot.members;
      expect(members.map((m) => m.id)).toEqual([
        '1770ca12c87a5cc2',
        '21fd25a94792ce81',
        'a44fc5e30e9dfcba',
        'd7d1d82b038dc094',
        'f23762f6d26f81b9',
      ]);
      const source = `learner-unstarted/${file}`;
      expect(members[0]).toEqual({ ...ETCD1, source });
      expect(members[3]).toEqual({ ...UNSTARTED, source });
      expect(members[4]).toEqual({ ...LEARNER, source });
      for (const m of members) expect(MemberSchema.parse(m)).toEqual(m);
      expect(result.snapshot.clusterId).toBe(file.endsWith('.json') ? 'c47e648fa74171db' : null);
    });
  }

  it('keeps IDs above 2^53 exact in -w json (11839899524373806266 is a44fc5e30e9dfcba, not a rounded neighbour)', () => {
    const { result } = readFixture('healthy/member-list.json');
    // JSON.parse alone would read 11839899524373806266 as 11839899524373805000-ish, a different member.
    expect(BigInt(Number('11839899524373806266')).toString(16)).not.toBe('a44fc5e30e9dfcba');
    expect(result.snapshot.members.map((m) => m.id)).toEqual(['1770ca12c87a5cc2', '21fd25a94792ce81', 'a44fc5e30e9dfcba']);
    // 14158864846648603099 in the header
    expect(result.snapshot.clusterId).toBe('c47e648fa74171db');
  });

  it('reads the etcdctl 3.3 forms without IS LEARNER', () => {
    for (const file of ['from-source/v3.3-member-list.txt', 'from-source/v3.3-member-list.table.txt']) {
      const { result, rejected } = readFixture(file);
      expect(rejected).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.snapshot.members).toHaveLength(4);
      expect(result.snapshot.members[0]).toEqual({ ...ETCD1, source: file });
      expect(result.snapshot.members[3]).toEqual({ ...UNSTARTED, source: file });
    }
  });

  it('reads 3.5 and 3.6 --hex JSON (hex string IDs; 3.5 spells "clientURLS", null for none)', () => {
    for (const file of ['from-source/v3.5-member-list.hex.json', 'from-source/v3.6-member-list.hex.json']) {
      const { result, rejected } = readFixture(file);
      expect(rejected).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.snapshot.clusterId).toBe('c47e648fa74171db');
      expect(result.snapshot.members[0]).toEqual({ ...ETCD1, source: file });
      expect(result.snapshot.members[1]?.id).toBe('a44fc5e30e9dfcba');
    }
    const v35 = readFixture('from-source/v3.5-member-list.hex.json').result.snapshot.members[2];
    expect(v35).toEqual({ ...UNSTARTED, source: 'from-source/v3.5-member-list.hex.json' });
  });

  it('warns on a member line with the wrong column count and reads on', () => {
    const { result } = readLines('ml.txt', [
      '1770ca12c87a5cc2, started, etcd1, http://127.0.0.1:40121',
      '21fd25a94792ce81, started, etcd3, http://127.0.0.1:40123, http://127.0.0.1:40113, false',
    ]);
    expect(result.warnings).toEqual(['ml.txt line 1: member list line has 4 columns, expected 5 or 6']);
    expect(result.snapshot.members.map((m) => m.id)).toEqual(['21fd25a94792ce81']);
  });
});
