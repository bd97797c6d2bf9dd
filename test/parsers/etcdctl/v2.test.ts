// Tests for the etcd v2 forms: `etcdctl cluster-health`, v2 `etcdctl member list` and GET /v2/members.
import { describe, expect, it } from 'vitest';
import { parseClusterHealthLine, parseV2MemberLine } from '../../../src/parsers/etcdctl/v2.js';
import { readFixture } from './helpers.js';

describe('v2 cluster-health', () => {
  it('reads the doc-comment sample lines', () => {
    expect(parseClusterHealthLine('member 1770ca12c87a5cc2 is healthy: got healthy result from http://127.0.0.1:40111')?.records).toEqual([
      { type: 'endpoint', endpoint: 'http://127.0.0.1:40111', fields: { memberId: '1770ca12c87a5cc2', health: true } },
    ]);
    expect(parseClusterHealthLine('member 21fd25a94792ce81 is unreachable: [http://127.0.0.1:40113] are all unreachable')?.records).toEqual([
      {
        type: 'endpoint',
        endpoint: 'http://127.0.0.1:40113',
        fields: { memberId: '21fd25a94792ce81', health: false },
        fallback: { error: 'unreachable' },
      },
    ]);
    expect(parseClusterHealthLine('member d7d1d82b038dc094 is unreachable: no available published client urls')?.records).toEqual([]);
    expect(parseClusterHealthLine('cluster is degraded')?.kind).toBe('cluster-health');
  });

  it('reads member-down: one member unreachable, with the dial error kept', () => {
    const { result, rejected } = readFixture('member-down/v2-cluster-health.txt');
    expect(rejected).toEqual([]);
    expect(result.kinds).toEqual(['cluster-health']);
    expect(result.snapshot.endpoints.map((e) => [e.endpoint, e.memberId, e.health, e.error])).toEqual([
      ['http://127.0.0.1:40111', '1770ca12c87a5cc2', true, null],
      [
        'http://127.0.0.1:40113',
        '21fd25a94792ce81',
        false,
        'Get "http://127.0.0.1:40113/health": dial tcp 127.0.0.1:40113: connect: connection refused',
      ],
      ['http://127.0.0.1:40112', 'a44fc5e30e9dfcba', true, null],
    ]);
  });

  it('reads no-quorum: the survivor answers unhealthy', () => {
    const { result, rejected } = readFixture('no-quorum/v2-cluster-health.txt');
    expect(rejected).toEqual([]);
    expect(result.snapshot.endpoints.map((e) => [e.memberId, e.health])).toEqual([
      ['1770ca12c87a5cc2', false],
      ['21fd25a94792ce81', false],
      ['a44fc5e30e9dfcba', false],
    ]);
    expect(result.snapshot.endpoints[0]?.error).toBe('got unhealthy result');
  });

  it('reads healthy and learner-unstarted without leftovers', () => {
    for (const file of ['healthy/v2-cluster-health.txt', 'learner-unstarted/v2-cluster-health.txt']) {
      const { result, rejected } = readFixture(file);
      expect(rejected).toEqual([]);
      expect(result.warnings).toEqual([]);
    }
  });
});

describe('v2 member list and /v2/members', () => {
  it('reads the doc-comment sample lines', () => {
    expect(parseV2MemberLine('d7d1d82b038dc094[unstarted]: peerURLs=http://127.0.0.1:40124')?.records).toEqual([
      {
        type: 'member',
        member: { id: 'd7d1d82b038dc094', name: '', peerURLs: ['http://127.0.0.1:40124'], clientURLs: [], started: false, isLearner: false },
      },
    ]);
  });

  for (const file of ['learner-unstarted/v2-member-list.txt', 'learner-unstarted/v2-members.json']) {
    it(`reads ${file}: started and unstarted members, hex IDs`, () => {
      const { result, rejected } = readFixture(file);
      expect(rejected).toEqual([]);
      expect(result.warnings).toEqual([]);
      expect(result.kinds).toEqual(['v2-members']);
      expect(result.snapshot.members.map((m) => [m.id, m.name, m.started, m.clientURLs.length])).toEqual([
        ['1770ca12c87a5cc2', 'etcd1', true, 2],
        ['21fd25a94792ce81', 'etcd3', true, 1],
        ['a44fc5e30e9dfcba', 'etcd2', true, 1],
        ['d7d1d82b038dc094', '', false, 0],
        ['f23762f6d26f81b9', 'etcd5', true, 1],
      ]);
    });
  }

  it('puts the v2 isLeader flag on the leader\'s client URLs', () => {
    const { result } = readFixture('member-down/v2-member-list.txt');
    const leaders = result.snapshot.endpoints.filter((e) => e.isLeader === true).map((e) => e.endpoint);
    expect(leaders).toEqual(['http://127.0.0.1:40111', 'http://127.0.0.1:40141']);
  });

  it('leaves "Failed to get leader" (v2 member list without quorum) to the caller as unparsed', () => {
    const { result, rejected } = readFixture('no-quorum/v2-member-list.txt');
    expect(result.kinds).toEqual([]);
    expect(rejected[0]).toMatch(/^Failed to get leader: /);
  });
});
