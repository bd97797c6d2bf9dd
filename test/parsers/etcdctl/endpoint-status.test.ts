// Tests for `etcdctl endpoint status` in every form and column set (3.3, 3.4/3.5 real, 3.6 from source).
import { describe, expect, it } from 'vitest';
import { EndpointSchema, type Endpoint } from '../../../src/model/index.js';
import { parseEndpointStatusLine } from '../../../src/parsers/etcdctl/endpoint-status.js';
import { isClientLogLine, readFixture } from './helpers.js';

/** The status columns every form carries (sizes differ: simple/table are rounded by humanize). */
function pickStatus(e: Endpoint | undefined) {
  return e && {
    endpoint: e.endpoint,
    memberId: e.memberId,
    isLeader: e.isLeader,
    isLearner: e.isLearner,
    version: e.version,
    raftTerm: e.raftTerm,
    raftIndex: e.raftIndex,
    raftAppliedIndex: e.raftAppliedIndex,
    errors: e.errors,
  };
}

describe('endpoint status', () => {
  it('reads the doc-comment sample lines', () => {
    const out = parseEndpointStatusLine(
      'http://127.0.0.1:40111, 1770ca12c87a5cc2, 3.4.23, 115 kB, true, false, 2, 16, 16, memberID:1689072042285620418 alarm:NOSPACE ',
    );
    expect(out?.records).toEqual([
      {
        type: 'endpoint',
        endpoint: 'http://127.0.0.1:40111',
        fields: {
          memberId: '1770ca12c87a5cc2',
          isLeader: true,
          leaderId: '1770ca12c87a5cc2',
          isLearner: false,
          version: '3.4.23',
          dbSize: 115000,
          dbSizeInUse: null,
          raftTerm: 2,
          raftIndex: 16,
          raftAppliedIndex: 16,
          errors: ['memberID:1689072042285620418 alarm:NOSPACE'],
        },
      },
    ]);
    expect(parseEndpointStatusLine('Failed to get the status of endpoint http://127.0.0.1:40113 (context deadline exceeded)')?.records).toEqual([
      { type: 'endpoint', endpoint: 'http://127.0.0.1:40113', fields: { errors: ['failed to get status: context deadline exceeded'] } },
    ]);
  });

  for (const file of ['endpoint-status.txt', 'endpoint-status.table.txt', 'endpoint-status.json']) {
    it(`reads learner-unstarted/${file}: leader, followers and a learner`, () => {
      const { result, rejected } = readFixture(`learner-unstarted/${file}`);
      expect(rejected).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.kinds).toEqual(['endpoint-status']);
      const eps = result.snapshot.endpoints;
      expect(eps.map((e) => [e.memberId, e.isLeader, e.isLearner])).toEqual([
        ['1770ca12c87a5cc2', true, false],
        ['a44fc5e30e9dfcba', false, false],
        ['21fd25a94792ce81', false, false],
        ['f23762f6d26f81b9', false, true],
      ]);
      expect(pickStatus(eps[3])).toEqual({
        endpoint: 'http://127.0.0.1:40115',
        memberId: 'f23762f6d26f81b9',
        isLeader: false,
        isLearner: true,
        version: '3.4.23',
        raftTerm: 2,
        raftIndex: 16,
        raftAppliedIndex: 16,
        errors: [],
      });
      for (const e of eps) expect(EndpointSchema.parse(e)).toEqual(e);
    });

    it(`reads nospace/${file}: the alarm in ERRORS, sizes to bytes`, () => {
      const { result } = readFixture(`nospace/${file}`);
      const [e] = result.snapshot.endpoints;
      expect(e?.errors).toEqual(['memberID:1689072042285620418 alarm:NOSPACE']);
      // "115 kB" in simple and table, 114688 exact in json
      expect(e?.dbSize).toBe(file.endsWith('.json') ? 114688 : 115000);
      expect(e?.dbSizeInUse).toBe(file.endsWith('.json') ? 110592 : null);
    });

    it(`reads no-quorum/${file}: "etcdserver: no leader" and the endpoints that did not answer`, () => {
      const { result, rejected } = readFixture(`no-quorum/${file}`);
      expect(rejected.every(isClientLogLine)).toBe(true);
      const byUrl = new Map(result.snapshot.endpoints.map((e) => [e.endpoint, e]));
      expect(byUrl.get('http://127.0.0.1:40111')?.errors).toEqual(['etcdserver: no leader']);
      expect(byUrl.get('http://127.0.0.1:40111')?.isLeader).toBe(false);
      expect(byUrl.get('http://127.0.0.1:40111')?.leaderId).toBeNull();
      expect(byUrl.get('http://127.0.0.1:40112')?.errors).toEqual(['failed to get status: context deadline exceeded']);
      expect(byUrl.get('http://127.0.0.1:40112')?.memberId).toBeNull();
    });
  }

  it('reads the leader ID from -w json for every member, exactly', () => {
    const { result } = readFixture('healthy/endpoint-status.json');
    expect(result.snapshot.clusterId).toBe('c47e648fa74171db');
    expect(result.snapshot.endpoints.map((e) => [e.memberId, e.leaderId, e.isLeader, e.dbSize])).toEqual([
      ['1770ca12c87a5cc2', '1770ca12c87a5cc2', true, 20480],
      ['a44fc5e30e9dfcba', '1770ca12c87a5cc2', false, 20480],
      ['21fd25a94792ce81', '1770ca12c87a5cc2', false, 20480],
    ]);
  });

  it('reads the etcdctl 3.3 columns (no learner, applied index or errors)', () => {
    for (const file of ['from-source/v3.3-endpoint-status.txt', 'from-source/v3.3-endpoint-status.table.txt']) {
      const { result, rejected } = readFixture(file);
      expect(rejected).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(pickStatus(result.snapshot.endpoints[2])).toEqual({
        endpoint: 'http://127.0.0.1:40113',
        memberId: '21fd25a94792ce81',
        isLeader: true,
        isLearner: false,
        version: '3.3.27',
        raftTerm: 2,
        raftIndex: 8,
        raftAppliedIndex: null,
        errors: [],
      });
    }
  });

  it('reads the etcdctl 3.6 columns, ERRORS rejoined when it holds ", "', () => {
    const simple = readFixture('from-source/v3.6-endpoint-status.txt');
    expect(simple.rejected).toEqual([]);
    expect(simple.result.warnings).toEqual([]);
    const last = simple.result.snapshot.endpoints[3];
    expect(pickStatus(last)).toEqual({
      endpoint: 'http://127.0.0.1:40115',
      memberId: 'f23762f6d26f81b9',
      isLeader: false,
      isLearner: false,
      version: '3.6.5',
      raftTerm: 3,
      raftIndex: 16,
      raftAppliedIndex: 16,
      errors: ['etcdserver: no leader, memberID:1689072042285620418 alarm:NOSPACE'],
    });
    expect([last?.dbSize, last?.dbSizeInUse]).toEqual([115000, 111000]);

    const table = readFixture('from-source/v3.6-endpoint-status.table.txt');
    expect(table.rejected).toEqual([]);
    expect(table.result.snapshot.endpoints.map((e) => [e.memberId, e.isLeader, e.dbSizeInUse, e.errors])).toEqual([
      ['1770ca12c87a5cc2', false, 16000, []],
      ['a44fc5e30e9dfcba', false, 16000, []],
      ['21fd25a94792ce81', true, 16000, []],
      ['f23762f6d26f81b9', false, 16000, ['etcdserver: no leader']],
    ]);

    const json = readFixture('from-source/v3.6-endpoint-status.json');
    expect(json.rejected).toEqual([]);
    expect(json.result.snapshot.endpoints.map((e) => [e.memberId, e.leaderId, e.version, e.dbSizeInUse])).toEqual([
      ['1770ca12c87a5cc2', '21fd25a94792ce81', '3.6.5', 16384],
      ['21fd25a94792ce81', '21fd25a94792ce81', '3.6.5', 16384],
    ]);
  });
});
