// The engine on hand-made events: counting, facts, evidence, thresholds, outcomes, checks, order.
import { describe, expect, it } from 'vitest';
import { createEngine, matchEvent } from '../../src/engine/index.js';
import { emptySnapshot, type ClusterSnapshot } from '../../src/model/cluster.js';
import type { Level, LogEvent } from '../../src/model/event.js';
import { compileRule, type CompiledRule } from '../../src/rules/compile.js';
import { parseRuleText } from '../../src/rules/load.js';
import type { InputName } from '../../src/rules/schema.js';

function rule(id: string, body: string): CompiledRule {
  const head = `id: ${id}\ntitle: t ${id}\nseverity: error\ndescription: d\nreferences: [https://etcd.io/docs/]\nversions: ["3.4"]\nexamples: {match: [x], nomatch: [y]}\n`;
  return compileRule(parseRuleText(head + body, `rules/test/${id}.yaml`));
}

let lineNo = 0;
function ev(msg: string, o: { node?: string; ts?: string | null; level?: Level; component?: string; fields?: Record<string, unknown>; text?: string } = {}): LogEvent {
  lineNo++;
  return {
    kind: 'event',
    node: o.node ?? 'etcd1',
    nodeOrigin: 'flag',
    ts: o.ts === undefined ? '2026-11-22T02:41:00.000Z' : o.ts,
    level: o.level ?? 'warn',
    component: o.component ?? 'rafthttp',
    msg,
    fields: o.fields ?? {},
    format: 'zap-json',
    ref: { source: `${o.node ?? 'etcd1'}.log`, line: lineNo },
    text: o.text ?? msg,
  };
}

const ALL_INPUTS = new Set<InputName>(['logs', 'member-list', 'endpoint-health', 'endpoint-status', 'alarm-list']);
const LOGS_ONLY = new Set<InputName>(['logs']);
const finishCtx = (inputs = LOGS_ONLY, snapshot: ClusterSnapshot = emptySnapshot()) => ({ snapshot, inputsGiven: inputs });

/** An ISO instant `s` seconds after 02:41:00. */
const at = (s: number) => new Date(Date.UTC(2026, 10, 22, 2, 41, 0) + s * 1000).toISOString();

const MISMATCH = rule(
  'mismatch',
  `match:
  - contains: "request cluster ID mismatch (got "
    regex: '\\(got (?<remote_peer_cluster_id>[0-9a-f]+) want (?<local_member_cluster_id>[0-9a-f]+)\\)'
  - msg: request cluster ID mismatch
capture:
  remote-peer-id: [remote-peer-server-name, remote-peer-id]
  local-member-cluster-id: local-member-cluster-id
`,
);

describe('counting, facts and evidence', () => {
  it('counts per node, keeps first and last seen, facts from regex groups and captures', () => {
    const engine = createEngine([MISMATCH]);
    engine.observe(ev('request cluster ID mismatch (got aa want bb)', { ts: at(10) }));
    engine.observe(ev('request cluster ID mismatch', { ts: at(5), fields: { 'remote-peer-server-name': 'cc', 'local-member-cluster-id': 'bb' } }));
    engine.observe(ev('request cluster ID mismatch (got dd want bb)', { ts: at(20) }));
    engine.observe(ev('request cluster ID mismatch', { node: 'etcd2', ts: at(1), fields: { 'remote-peer-id': 'ee' } }));
    engine.observe(ev('something else entirely', { ts: at(30) }));
    const { findings, outcomes } = engine.finish(finishCtx());
    expect(findings.map((f) => [f.node, f.count, f.firstSeen, f.lastSeen])).toEqual([
      ['etcd1', 3, at(5), at(20)],
      ['etcd2', 1, at(1), at(1)],
    ]);
    expect(findings[0]!.facts).toEqual({ 'remote-peer-cluster-id': ['aa', 'dd'], 'local-member-cluster-id': ['bb'], 'remote-peer-id': ['cc'] });
    expect(findings[1]!.facts).toEqual({ 'remote-peer-id': ['ee'] });
    expect(findings[0]!.evidence[0]).toMatchObject({ source: 'etcd1.log', node: 'etcd1', ts: at(10), text: 'request cluster ID mismatch (got aa want bb)' });
    expect(outcomes).toEqual([{ rule: 'mismatch', outcome: 'fired', missing: null }]);
  });

  it('counts an event once even when several matchers of the rule match it', () => {
    const r = rule('twice', 'match:\n  - contains: foo\n  - contains: bar\n  - msg: foo bar\n');
    const engine = createEngine([r]);
    engine.observe(ev('foo bar'));
    expect(engine.finish(finishCtx()).findings[0]!.count).toBe(1);
  });

  it('keeps the first N evidence lines, cuts long text and bounds fact values', () => {
    const r = rule('many', 'match:\n  - contains: "term "\n    regex: "term (?<term>\\\\d+)"\n');
    const engine = createEngine([r], { maxEvidence: 2, maxFactValues: 3, maxEvidenceChars: 20 });
    for (let i = 0; i < 1000; i++) engine.observe(ev(`term ${i}`, { ts: at(i), text: `line ${i} ${'x'.repeat(100)}` }));
    const [f] = engine.finish(finishCtx()).findings;
    expect(f!.count).toBe(1000);
    expect(f!.evidence.map((e) => e.text)).toEqual([`line 0 ${'x'.repeat(12)}…`, `line 1 ${'x'.repeat(12)}…`]);
    expect(f!.facts).toEqual({ term: ['0', '1', '2'] });
    expect(f!.lastSeen).toBe(at(999));
  });

  it('applies level, component and field conditions, and contains in a field', () => {
    const r = rule(
      'boot',
      `match:
  - contains: "has already been bootstrapped"
    in: error
    level: [fatal]
    fields:
      error: {regex: '^member (?<member_id>[0-9a-f]+) has'}
  - contains: "has already been bootstrapped"
    component: etcdmain
    level: [critical]
`,
    );
    const engine = createEngine([r]);
    engine.observe(ev('discovery failed', { level: 'fatal', fields: { error: 'member 65 has already been bootstrapped' } }));
    engine.observe(ev('discovery failed', { level: 'warn', fields: { error: 'member 66 has already been bootstrapped' } }));
    engine.observe(ev('member 67 has already been bootstrapped', { level: 'critical', component: 'etcdmain' }));
    engine.observe(ev('member 68 has already been bootstrapped', { level: 'critical', component: 'etcdserver' }));
    engine.observe(ev('discovery failed', { level: 'fatal', fields: { error: 42 } }));
    const [f] = engine.finish(finishCtx()).findings;
    expect(f!.count).toBe(2);
    expect(f!.facts).toEqual({ 'member-id': ['65'] });
  });

  it('matches equals and exists conditions on non-string fields', () => {
    const r = rule('eq', 'match:\n  - msg: alarm raised\n    fields:\n      alarm: {equals: NOSPACE}\n      from: {exists: true}\n      n: {equals: 3}\n');
    expect(matchEvent(r, ev('alarm raised', { fields: { alarm: 'NOSPACE', from: 'a', n: 3 } }))).toEqual({ matcher: 0, facts: {} });
    expect(matchEvent(r, ev('alarm raised', { fields: { alarm: 'NOSPACE', n: 3 } }))).toBeNull();
    expect(matchEvent(r, ev('alarm raised', { fields: { alarm: 'CORRUPT', from: 'a', n: 3 } }))).toBeNull();
    expect(matchEvent(r, ev('alarm raised', { fields: { alarm: 'NOSPACE', from: 'a', n: '3' } }))).not.toBeNull();
  });

  it('runs regexes on at most 8 KiB of text', () => {
    const r = rule('tail', 'match:\n  - contains: start\n    regex: "start x+ end"\n');
    expect(matchEvent(r, ev(`start ${'x'.repeat(100)} end`))).not.toBeNull();
    expect(matchEvent(r, ev(`start ${'x'.repeat(9000)} end`))).toBeNull();
  });

  it('reports facts of array fields value by value', () => {
    const r = rule('urls', 'match:\n  - msg: added member\ncapture:\n  peer-urls: added-peer-peer-urls\n');
    expect(matchEvent(r, ev('added member', { fields: { 'added-peer-peer-urls': ['http://a:2380', 'http://b:2380'] } }))?.facts).toEqual({
      'peer-urls': ['http://a:2380', 'http://b:2380'],
    });
  });
});

describe('thresholds', () => {
  const storm = (per = 'node') =>
    rule('storm', `match:\n  - contains: " is starting a new election at term "\nthreshold: {count: 8, within: 60s, per: ${per}}\n`);
  const election = (s: number | null, node = 'etcd1') => ev(`aa is starting a new election at term ${s ?? 0}`, { ts: s === null ? null : at(s), node });

  it('fires at 8 within 60 s', () => {
    const engine = createEngine([storm()]);
    for (const s of [0, 8, 16, 24, 32, 40, 48, 56]) engine.observe(election(s));
    const { findings, outcomes } = engine.finish(finishCtx());
    expect(findings.map((f) => [f.node, f.count])).toEqual([['etcd1', 8]]);
    expect(outcomes[0]!.outcome).toBe('fired');
  });

  it('does not fire at 7 within 60 s', () => {
    const engine = createEngine([storm()]);
    for (const s of [0, 8, 16, 24, 32, 40, 48]) engine.observe(election(s));
    const { findings, outcomes } = engine.finish(finishCtx());
    expect(findings).toEqual([]);
    expect(outcomes[0]!.outcome).toBe('passed');
  });

  it('does not fire when 20 elections are spread out', () => {
    const engine = createEngine([storm()]);
    for (let i = 0; i < 20; i++) engine.observe(election(i * 9)); // 8 in a row span 63 s
    expect(engine.finish(finishCtx()).findings).toEqual([]);
  });

  it('fires when a burst comes after spread-out events, and counts them all', () => {
    const engine = createEngine([storm()]);
    for (let i = 0; i < 5; i++) engine.observe(election(i * 100));
    for (let i = 0; i < 8; i++) engine.observe(election(1000 + i));
    expect(engine.finish(finishCtx()).findings.map((f) => f.count)).toEqual([13]);
  });

  it('counts per node apart', () => {
    const engine = createEngine([storm()]);
    for (let i = 0; i < 8; i++) engine.observe(election(i, i % 2 === 0 ? 'etcd1' : 'etcd2'));
    expect(engine.finish(finishCtx()).findings).toEqual([]);
  });

  it('counts across nodes with per: cluster, and reports each node', () => {
    const engine = createEngine([storm('cluster')]);
    for (let i = 0; i < 8; i++) engine.observe(election(i, i % 2 === 0 ? 'etcd1' : 'etcd2'));
    expect(engine.finish(finishCtx()).findings.map((f) => [f.node, f.count])).toEqual([
      ['etcd1', 4],
      ['etcd2', 4],
    ]);
  });

  it('counts events without a timestamp by order', () => {
    const engine = createEngine([storm()]);
    for (let i = 0; i < 7; i++) engine.observe(election(null));
    expect(engine.finish(finishCtx()).findings).toEqual([]);
    engine.observe(election(null));
    expect(engine.finish(finishCtx()).findings.map((f) => [f.count, f.firstSeen])).toEqual([[8, null]]);
  });
});

describe('outcomes and snapshot checks', () => {
  const unstarted = rule('unstarted', 'requires: member-list\ncheck: member-unstarted\n');
  const alarm = rule('alarm', 'requires: {anyOf: [alarm-list, endpoint-status]}\ncheck: alarm-active\n');
  const both = rule('both', 'requires: {allOf: [endpoint-status, member-list]}\ncheck: leader-disagreement\n');
  const snapshot: ClusterSnapshot = {
    ...emptySnapshot(),
    members: [
      { id: '1770ca12c87a5cc2', name: 'etcd1', peerURLs: ['http://127.0.0.1:40121'], clientURLs: ['http://127.0.0.1:40111'], started: true, isLearner: false, source: 'member-list.txt' },
      { id: '902f30b65a18ebb3', name: '', peerURLs: ['http://127.0.0.1:40124'], clientURLs: [], started: false, isLearner: false, source: 'member-list.txt' },
    ],
    alarms: [{ memberId: '1689072042285620418', alarm: 'NOSPACE', source: 'alarm-list.txt' }],
    outputs: ['member-list', 'alarm-list'],
  };

  it('skips rules whose input was not given, naming what is missing', () => {
    const engine = createEngine([MISMATCH, unstarted, alarm, both]);
    expect(engine.finish(finishCtx(new Set<InputName>(['member-list']), snapshot)).outcomes).toEqual([
      { rule: 'alarm', outcome: 'skipped', missing: 'alarm-list or endpoint-status' },
      { rule: 'both', outcome: 'skipped', missing: 'endpoint-status' },
      { rule: 'mismatch', outcome: 'skipped', missing: 'logs' },
      { rule: 'unstarted', outcome: 'fired', missing: null },
    ]);
  });

  it('passes a log rule that saw nothing when logs were given', () => {
    expect(createEngine([MISMATCH]).finish(finishCtx()).outcomes).toEqual([{ rule: 'mismatch', outcome: 'passed', missing: null }]);
  });

  it('turns check hits into findings named after the member, its alias or its ID', () => {
    const engine = createEngine([unstarted, alarm]);
    const { findings } = engine.finish({ snapshot, inputsGiven: ALL_INPUTS, nodeAliases: new Map([['902f30b65a18ebb3', 'etcd4']]) });
    expect(findings.map((f) => [f.rule, f.node, f.facts])).toEqual([
      ['alarm', 'etcd1', { alarm: ['NOSPACE'], 'member-id': ['1770ca12c87a5cc2'] }],
      ['unstarted', 'etcd4', { 'member-id': ['902f30b65a18ebb3'], 'peer-urls': ['http://127.0.0.1:40124'] }],
    ]);
    expect(findings[1]!.evidence).toEqual([{ source: 'member-list.txt', line: 0, node: 'etcd4', ts: null, text: 'member 902f30b65a18ebb3 is unstarted (peer URLs http://127.0.0.1:40124)' }]);
  });
});

describe('order and aliases', () => {
  it('sorts findings by severity, then rule id, then node', () => {
    const crit = compileRule({ ...MISMATCH.source, id: 'z-crit', severity: 'critical' });
    const warnA = compileRule({ ...MISMATCH.source, id: 'a-warn', severity: 'warning' });
    const engine = createEngine([warnA, MISMATCH, crit]);
    for (const node of ['etcd3', 'etcd1']) engine.observe(ev('request cluster ID mismatch', { node }));
    expect(engine.finish(finishCtx()).findings.map((f) => `${f.severity} ${f.rule} ${f.node}`)).toEqual([
      'critical z-crit etcd1',
      'critical z-crit etcd3',
      'error mismatch etcd1',
      'error mismatch etcd3',
      'warning a-warn etcd1',
      'warning a-warn etcd3',
    ]);
  });

  it('merges the findings of a node known under two names', () => {
    const engine = createEngine([MISMATCH]);
    engine.observe(ev('request cluster ID mismatch (got aa want bb)', { node: 'etcd1', ts: at(5) }));
    engine.observe(ev('request cluster ID mismatch (got cc want bb)', { node: 'unknown:etcd1.log', ts: at(1) }));
    const { findings } = engine.finish({ ...finishCtx(), nodeAliases: new Map([['unknown:etcd1.log', 'etcd1']]) });
    expect(findings.map((f) => [f.node, f.count, f.firstSeen, f.lastSeen, f.facts['remote-peer-cluster-id']])).toEqual([['etcd1', 2, at(1), at(5), ['aa', 'cc']]]);
    expect(findings[0]!.evidence.map((e) => [e.node, e.ts])).toEqual([
      ['etcd1', at(1)],
      ['etcd1', at(5)],
    ]);
  });

  it('finish can be called again and reflects later events', () => {
    const engine = createEngine([MISMATCH]);
    expect(engine.finish(finishCtx()).findings).toEqual([]);
    engine.observe(ev('request cluster ID mismatch'));
    expect(engine.finish(finishCtx()).findings).toHaveLength(1);
  });
});
