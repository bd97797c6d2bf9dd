// The correlators' judgement on small, constructed clusters: who is down, when quorum is lost,
// which side of a cluster ID mismatch is the odd one, and causes absorbing their symptoms.
import { describe, expect, it } from 'vitest';
import type { NodeFacts } from '../../src/correlate/cluster-model.js';
import { correlate, judge } from '../../src/correlate/index.js';
import type { CorrelationContext, RuleInfo } from '../../src/correlate/index.js';
import { emptySnapshot } from '../../src/model/cluster.js';
import type { DiagnosisId, Finding, NodeSummary, Severity } from '../../src/model/report.js';

const T0 = Date.parse('2026-11-22T04:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

function facts(node: string, id: string, over: Partial<NodeFacts> = {}): NodeFacts {
  return {
    node, memberIds: [id], clusterIds: ['c1'], maxTerm: 2, leaderChanges: 1, elections: 0, leader: 'a1', leaderTerm: 2,
    lastLeaderEventTs: at(0), lostLeaderAt: null, steppedDownForQuorum: 0, lastTs: at(60), fatal: null,
    unreachable: [], initialClusterState: null, initialCluster: null, dataDir: null, memberInitialized: null, name: node,
    peerURLs: [], clientURLs: [], ...over,
  };
}

function summary(name: string, id: string): NodeSummary {
  return {
    name, memberId: id, memberIds: [id], memberName: name, nameFrom: 'filename', formats: ['capnslog'], lines: 10, events: 10,
    unparsed: 0, firstSeen: at(0), lastSeen: at(60), sources: [`${name}.log`], version: '3.4.23', clusterIds: ['c1'], peerURLs: [], clientURLs: [],
  };
}

function finding(rule: string, node: string, severity: Severity, f: Record<string, string[]> = {}): Finding {
  return { rule, title: rule, severity, node, count: 5, firstSeen: at(1), lastSeen: at(59), facts: f, evidence: [] };
}

function unreachable(peer: string, lastS: number, error = 'dial tcp 127.0.0.1:2380: connect: connection refused') {
  return { peer, first: at(10), last: at(lastS), count: 10, errors: [error], recovered: false, streamUp: false };
}

function ctx(nodes: NodeFacts[], findings: Finding[] = [], rules: [string, DiagnosisId | null][] = []): CorrelationContext {
  const ruleMap = new Map<string, RuleInfo>(rules.map(([id, diagnosis]) => [id, { id, diagnosis, severity: 'error' }]));
  return {
    nodes: nodes.map((n) => summary(n.node, n.memberIds[0]!)),
    model: { nodes, members: [], timeline: [], timelineDropped: 0 },
    findings,
    rules: ruleMap,
    cluster: emptySnapshot(),
  };
}

describe('a stopped member', () => {
  it('is down when every running peer cannot reach it and its log ended: quorum holds', () => {
    const c = ctx([
      facts('e1', 'a1', { unreachable: [unreachable('a3', 59)] }),
      facts('e2', 'a2', { unreachable: [unreachable('a3', 58)] }),
      // e3's log ends at 20 s; its own shutdown complaints about e1 and e2 are no evidence.
      facts('e3', 'a3', { lastTs: at(20), unreachable: [unreachable('a1', 20), unreachable('a2', 20)] }),
    ]);
    const d = correlate(c);
    expect(d.map((x) => [x.id, x.affectedNodes, x.healthyNodes])).toEqual([['peer-unreachable', ['e3'], ['e1', 'e2']]]);
    expect(d[0]!.title).toBe('e3 is down');
    expect(d[0]!.explanation).toContain('connection refused');
    expect(d[0]!.explanation).toContain('keeps quorum (2 of 3');
  });
  it('is not blamed on a single witness out of two', () => {
    const c = ctx([
      facts('e1', 'a1', { unreachable: [unreachable('a3', 59)] }),
      facts('e2', 'a2'),
      facts('e3', 'a3'),
    ]);
    expect(correlate(c).filter((d) => d.id === 'peer-unreachable' && d.affectedNodes.length > 0)).toEqual([]);
  });
  it('recovered peers are no loss', () => {
    const c = ctx([
      facts('e1', 'a1', { unreachable: [{ ...unreachable('a3', 30), recovered: true }] }),
      facts('e2', 'a2', { unreachable: [{ ...unreachable('a3', 30), recovered: true }] }),
      facts('e3', 'a3'),
    ]);
    expect(correlate(c)).toEqual([]);
  });
});

describe('quorum', () => {
  it('is lost when two of three are down, and the peer-unreachable symptoms fold into it', () => {
    const c = ctx([
      facts('e1', 'a1', { leader: null, lostLeaderAt: at(30), elections: 12, maxTerm: 14, unreachable: [unreachable('a2', 59), unreachable('a3', 59)] }),
      facts('e2', 'a2', { lastTs: at(20) }),
      facts('e3', 'a3', { lastTs: at(25) }),
    ]);
    const d = correlate(c);
    expect(d.map((x) => x.id)).toEqual(['quorum-lost']);
    expect(d[0]!.affectedNodes).toEqual(['e2', 'e3']);
    expect(d[0]!.healthyNodes).toEqual(['e1']);
    expect(d[0]!.facts).toMatchObject({ 'cluster-size': '3', quorum: '2', survivors: 'e1' });
    expect(d[0]!.severity).toBe('critical');
  });
});

describe('cluster ID mismatch', () => {
  it('blames the node whose cluster ID differs from the majority, whichever side logs it', () => {
    const rules: [string, DiagnosisId][] = [['request-cluster-id-mismatch', 'cluster-id-mismatch']];
    const c = ctx(
      [facts('e1', 'a1'), facts('e2', 'a2'), facts('e3', 'a9', { clusterIds: ['c1', 'c9'] })],
      [
        finding('request-cluster-id-mismatch', 'e1', 'critical', { 'remote-peer-cluster-id': ['c9'], 'local-member-cluster-id': ['c1'] }),
        finding('request-cluster-id-mismatch', 'e2', 'critical', { 'remote-peer-cluster-id': ['c9'], 'local-member-cluster-id': ['c1'] }),
        finding('request-cluster-id-mismatch', 'e3', 'critical', { 'remote-peer-cluster-id': ['c1'], 'local-member-cluster-id': ['c9'] }),
      ],
      rules,
    );
    const [top] = correlate(c);
    expect(top).toMatchObject({ id: 'cluster-id-mismatch', affectedNodes: ['e3'], healthyNodes: ['e1', 'e2'] });
    expect(top!.explanation).toContain('e3 is in cluster c9, the others in c1');
  });
});

describe('the verdict', () => {
  it('is healthy with evidence when nothing is wrong', () => {
    const c = ctx([facts('e1', 'a1'), facts('e2', 'a2'), facts('e3', 'a3')]);
    const v = judge(c, correlate(c), true);
    expect(v.status).toBe('healthy');
    expect(v.summary).toBe('No problems found.');
    expect(v.evidence[0]).toBe('leader e1 elected at term 2, known to e1, e2 and e3');
  });
  it('is unknown when nothing was read', () => {
    expect(judge(ctx([]), [], false).status).toBe('unknown');
  });
});
